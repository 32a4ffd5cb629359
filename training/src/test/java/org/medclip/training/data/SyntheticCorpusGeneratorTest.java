package org.medclip.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.corpus.DataReport;
import org.medclip.clip.corpus.DatasetException;
import org.medclip.clip.corpus.ImageClefDataset;
import org.medclip.clip.corpus.ImageClefLayout;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.Split;
import org.medclip.training.data.ScanSpec.Anatomy;
import org.medclip.training.data.ScanSpec.Finding;
import org.medclip.training.data.ScanSpec.Level;
import org.medclip.training.data.ScanSpec.Modality;
import org.medclip.training.data.ScanSpec.Side;
import org.medclip.training.data.ScanSpec.SizeClass;
import picocli.CommandLine;

class SyntheticCorpusGeneratorTest {

  @TempDir Path tmp;

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  private static void assertSameTree(Path a, Path b) throws IOException {
    List<Path> fa = files(a);
    assertEquals(fa, files(b));
    for (Path p : fa) {
      assertArrayEquals(
          Files.readAllBytes(a.resolve(p)), Files.readAllBytes(b.resolve(p)), p.toString());
    }
  }

  @Test
  void sameSeedGivesIdenticalBytesForOneAndFourThreads() throws Exception {
    Path one = tmp.resolve("one");
    Path four = tmp.resolve("four");
    SyntheticCorpusGenerator.generate(one, 7, 40, 15, 5, 1, false);
    SyntheticCorpusGenerator.generate(four, 7, 40, 15, 5, 4, false);
    assertEquals(40 + 15 + 5 + 3 + 1, files(one).size()); // + semantics.tsv
    assertSameTree(one, four);

    Path other = tmp.resolve("other");
    SyntheticCorpusGenerator.generate(other, 8, 40, 15, 5, 2, false);
    assertNotEquals(
        Files.readString(one.resolve(ImageClefLayout.TRAINING_CAPTIONS)),
        Files.readString(other.resolve(ImageClefLayout.TRAINING_CAPTIONS)));
  }

  @Test
  void generatedLayoutIsReadWithZeroBadRows() throws Exception {
    Path out = tmp.resolve("corpus");
    SyntheticCorpusGenerator.generate(out, 3, 40, 15, 5, 2, false);
    ImageClefDataset ds =
        ImageClefDataset.load(out, ImageClefDataset.Options.defaults().withVerifyImages(true));
    DataReport r = ds.report();
    assertEquals(0, r.totalBadRows(), r.toMarkdown());
    assertTrue(r.notes().isEmpty(), r.toMarkdown());
    assertEquals(36, r.count(Split.TRAIN));
    assertEquals(4, r.count(Split.VALIDATION));
    assertEquals(15, r.count(Split.TEST));
    assertEquals(5, r.count(Split.UNLABELLED));
    ImageRecord first = ds.records().get(0);
    assertTrue(first.id().matches("synth-\\d{6}"), first.id());
    assertTrue(first.image().endsWith(".png"));
    byte[] png = Files.readAllBytes(first.resolve(out));
    var info = org.medclip.clip.image.ImageDecoder.probe(png, first.image());
    assertEquals(128, info.width());
    assertEquals(128, info.height());

    // semantics.tsv: one meaning per captioned image; an arrow counts when the caption says so.
    var meanings = org.medclip.training.pipeline.Semantics.read(out);
    assertEquals(55, meanings.size());
    for (ImageRecord rec : ds.records()) {
      if (rec.caption() == null) {
        assertTrue(!meanings.containsKey(rec.id()), rec.id());
        continue;
      }
      String m = meanings.get(rec.id());
      assertTrue(m != null, rec.id());
      assertEquals(
          rec.caption().contains("(arrow)"), m.contains(" ARROW "), rec.caption() + " / " + m);
      if (rec.caption().contains("CT")) {
        assertTrue(m.startsWith("CT ") || m.startsWith("PANELS CT "), rec.caption() + " / " + m);
      }
    }
  }

  @Test
  void refusesToOverwriteAnExistingCorpusUnlessAsked() throws Exception {
    Path out = tmp.resolve("c");
    SyntheticCorpusGenerator.generate(out, 1, 3, 2, 1, 1, false);
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> SyntheticCorpusGenerator.generate(out, 1, 3, 2, 1, 1, false));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
    SyntheticCorpusGenerator.generate(out, 2, 4, 1, 0, 1, true);
    assertEquals(4 + 1 + 3 + 1, files(out).size(), "old images removed");
  }

  // ---------------------------------------------------------------------------------------------
  // attributes are visible

  /** Sum of |a - b| over the rectangle [x0, x1) x [y0, y1). */
  private static long diff(int[] a, int[] b, int x0, int y0, int x1, int y1) {
    long d = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        d += Math.abs(a[y * 128 + x] - b[y * 128 + x]);
      }
    }
    return d;
  }

  private static ScanSpec spec(
      Modality m, Anatomy a, Finding f, Side s, Level l, SizeClass size, double r, int v) {
    return new ScanSpec(m, a, f, s, l, size, r, v, false, false, 1234L);
  }

  @Test
  void leftLowerLobeNoduleChangesOnlyTheImageRightLowerRegion() {
    // radiological convention: the patient's left is the image's right
    ScanSpec nodule =
        spec(
            Modality.XRAY,
            Anatomy.CHEST,
            Finding.NODULE,
            Side.LEFT,
            Level.LOWER,
            SizeClass.LARGE,
            9,
            0);
    int[] with = MedicalRenderer.grey(nodule);
    int[] without = MedicalRenderer.grey(nodule.withoutFinding());
    long rightLower = diff(with, without, 64, 64, 128, 128);
    assertTrue(rightLower > 20 * 200, "nodule visible: " + rightLower);
    assertEquals(0, diff(with, without, 0, 0, 64, 128), "patient right (image left) unchanged");
    assertEquals(0, diff(with, without, 64, 0, 128, 52), "upper zone unchanged");
  }

  @Test
  void eachFindingChangesPixelsOnlyWhereTheCaptionSaysItIs() {
    // brain CT, right frontal mass: image left, upper half
    ScanSpec brain =
        spec(
            Modality.CT,
            Anatomy.BRAIN,
            Finding.NODULE,
            Side.RIGHT,
            Level.UPPER,
            SizeClass.SMALL,
            4,
            0);
    int[] a = MedicalRenderer.grey(brain);
    int[] b = MedicalRenderer.grey(brain.withoutFinding());
    assertTrue(diff(a, b, 0, 0, 64, 64) > 1000);
    assertEquals(0, diff(a, b, 64, 0, 128, 128) + diff(a, b, 0, 64, 64, 128));

    // spine: fracture of L4 (4th block from the top, y around 87); L1 and L2 untouched
    ScanSpec spine =
        spec(
            Modality.MRI_T2,
            Anatomy.SPINE,
            Finding.FRACTURE,
            Side.NONE,
            Level.LOWER,
            SizeClass.NONE,
            0,
            4);
    a = MedicalRenderer.grey(spine);
    b = MedicalRenderer.grey(spine.withoutFinding());
    assertTrue(diff(a, b, 0, 76, 128, 100) > 1000);
    assertEquals(0, diff(a, b, 0, 0, 128, 60));

    // knee: femoral (upper) fracture; tibia untouched
    ScanSpec knee =
        spec(
            Modality.XRAY,
            Anatomy.KNEE,
            Finding.FRACTURE,
            Side.NONE,
            Level.UPPER,
            SizeClass.NONE,
            0,
            0);
    a = MedicalRenderer.grey(knee);
    b = MedicalRenderer.grey(knee.withoutFinding());
    assertTrue(diff(a, b, 0, 0, 128, 56) > 500);
    assertEquals(0, diff(a, b, 0, 64, 128, 128));

    // chest CT, right pleural effusion: image left, posterior (lower) part of the lung
    ScanSpec eff =
        spec(
            Modality.CT,
            Anatomy.CHEST,
            Finding.EFFUSION,
            Side.RIGHT,
            Level.NONE,
            SizeClass.NONE,
            0,
            0);
    a = MedicalRenderer.grey(eff);
    b = MedicalRenderer.grey(eff.withoutFinding());
    assertTrue(diff(a, b, 0, 64, 64, 128) > 2000);
    assertEquals(0, diff(a, b, 64, 0, 128, 128) + diff(a, b, 0, 0, 64, 60));

    // abdominal CT, left renal calculus: image right
    ScanSpec stone =
        spec(
            Modality.CT,
            Anatomy.ABDOMEN,
            Finding.CALCIFICATION,
            Side.LEFT,
            Level.NONE,
            SizeClass.NONE,
            0,
            0);
    a = MedicalRenderer.grey(stone);
    b = MedicalRenderer.grey(stone.withoutFinding());
    assertTrue(diff(a, b, 64, 64, 128, 128) > 300);
    assertEquals(0, diff(a, b, 0, 0, 64, 128));
  }

  @Test
  void largeLesionsChangeMorePixelsThanSmallOnes() {
    for (Modality m : new Modality[] {Modality.MRI_T1, Modality.MRI_T2, Modality.CT}) {
      ScanSpec small =
          spec(m, Anatomy.BRAIN, Finding.NODULE, Side.LEFT, Level.LOWER, SizeClass.SMALL, 3.5, 0);
      ScanSpec large =
          spec(m, Anatomy.BRAIN, Finding.NODULE, Side.LEFT, Level.LOWER, SizeClass.LARGE, 10, 0);
      int[] base = MedicalRenderer.grey(small.withoutFinding());
      assertTrue(
          changed(MedicalRenderer.grey(large), base)
              > 3 * changed(MedicalRenderer.grey(small), base),
          m.toString());
    }
  }

  @Test
  void largeEffusionsChangeMorePixelsThanSmallOnes() {
    Object[][] cases = {
      {Modality.XRAY, Anatomy.KNEE},
      {Modality.MRI_T2, Anatomy.KNEE},
      {Modality.CT, Anatomy.ABDOMEN},
      {Modality.ULTRASOUND, Anatomy.ABDOMEN}
    };
    for (Object[] c : cases) {
      Modality m = (Modality) c[0];
      Anatomy a = (Anatomy) c[1];
      ScanSpec small = spec(m, a, Finding.EFFUSION, Side.NONE, Level.NONE, SizeClass.SMALL, 0, 0);
      ScanSpec large = spec(m, a, Finding.EFFUSION, Side.NONE, Level.NONE, SizeClass.LARGE, 0, 0);
      int[] base = MedicalRenderer.grey(small.withoutFinding());
      int s = changed(MedicalRenderer.grey(small), base);
      int l = changed(MedicalRenderer.grey(large), base);
      assertTrue(s > 20 && l > 2 * s, m + " " + a + ": small " + s + ", large " + l);
    }
  }

  @Test
  void contrastEnhancementIsDrawnForEveryEnhancedModalityAndAnatomy() {
    for (Modality m : Modality.values()) {
      for (Anatomy a : Anatomy.values()) {
        if (!ScanSpec.enhances(m) || ScanSpec.attributes(m, a, Finding.NORMAL) == null) {
          continue;
        }
        ScanSpec plain =
            new ScanSpec(
                m, a, Finding.NORMAL, Side.NONE, Level.NONE, SizeClass.NONE, 0, 0, false, false, 9);
        ScanSpec enhanced =
            new ScanSpec(
                m, a, Finding.NORMAL, Side.NONE, Level.NONE, SizeClass.NONE, 0, 0, false, true, 9);
        int n = changed(MedicalRenderer.grey(enhanced), MedicalRenderer.grey(plain));
        // at least 60 pixels of the 128 x 128 image, i.e. 15 of a 64-pixel model input
        assertTrue(n > 60, m + " " + a + ": " + n + " pixels changed");
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ScanSpec(
                Modality.XRAY,
                Anatomy.KNEE,
                Finding.NORMAL,
                Side.NONE,
                Level.NONE,
                SizeClass.NONE,
                0,
                0,
                false,
                true,
                9));
  }

  private static final Pattern UNENHANCED =
      Pattern.compile("non-contrast|unenhanced|pre-contrast|non-enhanced");

  @Test
  void captionsStateContrastArrowsAndAmountsOfFluid() {
    int enhanced = 0;
    int plain = 0;
    int effusions = 0;
    for (long i = 0; i < 1500; i++) {
      if (!(SyntheticCorpusGenerator.spec(5, i) instanceof ScanSpec s)) {
        continue;
      }
      String c = MedicalCaptions.caption(s);
      String lc = c.toLowerCase(Locale.ROOT);
      boolean statesEnhanced =
          (lc.contains("contrast") || lc.contains("gadolinium")) && !UNENHANCED.matcher(lc).find();
      assertEquals(s.contrast(), statesEnhanced, c);
      if (ScanSpec.enhances(s.modality())) {
        enhanced += s.contrast() ? 1 : 0;
        plain += s.contrast() ? 0 : 1;
      } else {
        assertFalse(lc.contains("contrast") || lc.contains("gadolinium"), c);
      }
      assertEquals(s.arrow(), c.contains("(arrow)"), c);
      if (s.finding() == Finding.EFFUSION && s.anatomy() != Anatomy.CHEST) {
        effusions++;
        boolean small = lc.contains("small") || lc.contains("minimal");
        boolean large = lc.contains("large") || lc.contains("extensive");
        assertTrue(s.size() == SizeClass.SMALL ? small && !large : large && !small, c);
      }
    }
    assertTrue(enhanced > 100 && plain > 100 && effusions > 50, enhanced + " " + plain);
  }

  private static int changed(int[] a, int[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += Math.abs(a[i] - b[i]) > 10 ? 1 : 0;
    }
    return n;
  }

  @Test
  void modalitiesHaveTheirTypicalGeometry() {
    ScanSpec ct =
        spec(
            Modality.CT,
            Anatomy.ABDOMEN,
            Finding.NORMAL,
            Side.NONE,
            Level.NONE,
            SizeClass.NONE,
            0,
            0);
    int[] g = MedicalRenderer.grey(ct);
    assertTrue(g[2 * 128 + 2] < 8 && g[125 * 128 + 125] < 8, "black outside the circular FOV");
    assertTrue(g[64 * 128 + 64] > 40);
    ScanSpec us =
        spec(
            Modality.ULTRASOUND,
            Anatomy.ABDOMEN,
            Finding.NORMAL,
            Side.NONE,
            Level.NONE,
            SizeClass.NONE,
            0,
            0);
    g = MedicalRenderer.grey(us);
    assertTrue(g[60 * 128 + 2] < 8 && g[60 * 128 + 125] < 8, "black beside the sector");
    assertTrue(g[2 * 128 + 64] < 8, "black above the apex");
    // T1 vs T2 of the same brain: ventricles (fluid) dark on T1, bright on T2
    ScanSpec t1 =
        spec(
            Modality.MRI_T1,
            Anatomy.BRAIN,
            Finding.NORMAL,
            Side.NONE,
            Level.NONE,
            SizeClass.NONE,
            0,
            0);
    ScanSpec t2 =
        spec(
            Modality.MRI_T2,
            Anatomy.BRAIN,
            Finding.NORMAL,
            Side.NONE,
            Level.NONE,
            SizeClass.NONE,
            0,
            0);
    int[] g1 = MedicalRenderer.grey(t1);
    int[] g2 = MedicalRenderer.grey(t2);
    int vx = 58;
    int vy = 60;
    assertTrue(
        g1[vy * 128 + vx] < 70 && g2[vy * 128 + vx] > 170,
        g1[vy * 128 + vx] + " " + g2[vy * 128 + vx]);
  }

  // ---------------------------------------------------------------------------------------------
  // captions state only what the spec holds

  private static final Pattern LEFT_LOBE = Pattern.compile("\\bL[UL]L\\b");
  private static final Pattern RIGHT_LOBE = Pattern.compile("\\bR[UL]L\\b");
  private static final Pattern MM = Pattern.compile("(\\d+(?:\\.\\d)?) (mm|cm)");

  @Test
  void captionsStateSideSizeAndModalityFromTheSpec() {
    int scans = 0;
    for (long i = 0; i < 600; i++) {
      FigureSpec f = SyntheticCorpusGenerator.spec(11, i);
      String c = MedicalCaptions.caption(f);
      assertFalse(c.contains("\t") || c.contains("\n") || c.isBlank(), c);
      if (!(f instanceof ScanSpec s)) {
        continue;
      }
      scans++;
      String lc = c.toLowerCase(Locale.ROOT);
      // lobe abbreviations: LUL, LLL (left), RUL, RLL (right)
      boolean left = lc.contains("left") || LEFT_LOBE.matcher(c).find();
      boolean right = lc.contains("right") || RIGHT_LOBE.matcher(c).find();
      if (s.side() == Side.LEFT) {
        assertTrue(left && !right, c);
      } else if (s.side() == Side.RIGHT) {
        assertTrue(right && !left, c);
      } else if (s.anatomy() != Anatomy.ABDOMEN) {
        assertFalse(left || right, c);
      }
      Matcher m = MM.matcher(c);
      if (m.find()) {
        double mm = Double.parseDouble(m.group(1)) * (m.group(2).equals("cm") ? 10 : 1);
        assertEquals(s.lesionDiameterMm(), mm, 0.5, c);
      }
      if (s.size() == SizeClass.NONE) {
        assertFalse(m.find(0) || lc.contains("small") || lc.contains("large"), c);
      }
      boolean mentionsModality =
          switch (s.modality()) {
            case XRAY -> lc.contains("radiograph") || lc.contains("x-ray") || lc.contains("cxr");
            case CT -> lc.contains("ct") || lc.contains("computed tomography");
            case MRI_T1 -> lc.contains("t1");
            case MRI_T2 -> lc.contains("t2");
            case ULTRASOUND ->
                lc.contains("ultrasound") || lc.contains("sonograph") || lc.contains("us image");
          };
      assertTrue(mentionsModality, c);
      if (s.finding() == Finding.FRACTURE && s.anatomy() == Anatomy.SPINE) {
        assertTrue(c.contains("L" + s.vertebra()), c);
      }
      if (c.contains("(arrow)")) {
        assertTrue(s.arrow(), c);
      }
    }
    assertTrue(scans > 400);
  }

  @Test
  void invalidSpecsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            spec(
                Modality.ULTRASOUND,
                Anatomy.BRAIN,
                Finding.NORMAL,
                Side.NONE,
                Level.NONE,
                SizeClass.NONE,
                0,
                0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            spec(
                Modality.XRAY,
                Anatomy.CHEST,
                Finding.NODULE,
                Side.NONE,
                Level.UPPER,
                SizeClass.SMALL,
                3,
                0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            spec(
                Modality.XRAY,
                Anatomy.CHEST,
                Finding.NODULE,
                Side.LEFT,
                Level.UPPER,
                SizeClass.SMALL,
                9,
                0));
  }

  // ---------------------------------------------------------------------------------------------
  // general domain and the command

  @Test
  void generalDomainIsDeterministicAndDrawsTheStatedPosition() throws Exception {
    Path a = tmp.resolve("ga");
    Path b = tmp.resolve("gb");
    GeneralDomainGenerator.generate(a, 5, 20, 5, 2, 1, false);
    GeneralDomainGenerator.generate(b, 5, 20, 5, 2, 3, false);
    assertSameTree(a, b);
    assertEquals(0, ImageClefDataset.load(a).report().totalBadRows());

    var spec =
        new GeneralDomainGenerator.Spec(
            GeneralDomainGenerator.Shape.CIRCLE,
            GeneralDomainGenerator.Colour.RED,
            2,
            false,
            GeneralDomainGenerator.Position.TOP_LEFT,
            GeneralDomainGenerator.Background.WHITE,
            9);
    String caption = GeneralDomainGenerator.caption(spec);
    assertTrue(caption.contains("red circles") && caption.contains("top left"), caption);
    assertTrue(caption.contains("two") || caption.contains("2 "), caption);
    Canvas c = GeneralDomainGenerator.render(spec);
    int red = 0;
    int redOutside = 0;
    for (int y = 0; y < 128; y++) {
      for (int x = 0; x < 128; x++) {
        int o = (y * 128 + x) * 3;
        boolean isRed = c.px[o] > 0.7f && c.px[o + 1] < 0.3f && c.px[o + 2] < 0.3f;
        if (isRed && x < 43 && y < 43) {
          red++;
        } else if (isRed) {
          redOutside++;
        }
      }
    }
    assertTrue(red > 150, "red pixels in the top-left cell: " + red);
    assertEquals(0, redOutside);
  }

  @Test
  void commandRunsAndReportsUnusableOutputInOneSentence() throws Exception {
    Path out = tmp.resolve("cmd");
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new DatagenCommand()).setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    String[] args = {
      "--out", out.toString(), "--train", "6", "--test", "2", "--unlabelled", "1", "--threads", "2"
    };
    assertEquals(0, cl.execute(args));
    assertEquals(6 + 2 + 1 + 3 + 1, files(out).size());
    assertEquals(1, cl.execute(args));
    assertTrue(err.toString().contains("already holds a corpus"), err.toString());
    assertEquals(2, cl.execute("--out", out.toString(), "--domain", "space"));
    assertEquals(
        0,
        cl.execute(
            "--out",
            out.toString(),
            "--domain",
            "general",
            "--train",
            "4",
            "--test",
            "1",
            "--unlabelled",
            "0",
            "--overwrite"));
    assertTrue(
        Files.readString(out.resolve(ImageClefLayout.TRAINING_CAPTIONS))
            .startsWith("gen-000000\t"));
  }
}
