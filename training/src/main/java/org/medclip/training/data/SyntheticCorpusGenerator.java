package org.medclip.training.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.medclip.clip.corpus.DatasetException;
import org.medclip.clip.corpus.ImageClefWriter;
import org.medclip.training.data.ScanSpec.Anatomy;
import org.medclip.training.data.ScanSpec.Finding;
import org.medclip.training.data.ScanSpec.Level;
import org.medclip.training.data.ScanSpec.Modality;
import org.medclip.training.data.ScanSpec.Side;
import org.medclip.training.data.ScanSpec.SizeClass;
import org.medclip.training.pipeline.Semantics;

/**
 * Generates a synthetic medical figure corpus in the ImageCLEF 2017 layout: 128x128 greyscale PNG
 * scans of five modalities and five anatomies with findings, plus bar/line charts and 2x2
 * multi-panel figures, each with a caption that states only what is drawn.
 *
 * <p>Deterministic: figure {@code i} is a pure function of {@code (seed, i)} ({@link #spec}), so
 * the files are byte-identical for any thread count. Ids are {@code synth-NNNNNN} with the global
 * index (training first, then validation, then test). Streams to disk; memory use does not grow
 * with the corpus size.
 */
public final class SyntheticCorpusGenerator {

  /** Id prefix of generated figures. */
  public static final String ID_PREFIX = "synth-";

  private SyntheticCorpusGenerator() {}

  /** The id of global index {@code index}. */
  public static String id(long index) {
    return String.format(Locale.ROOT, "%s%06d", ID_PREFIX, index);
  }

  /** The figure of global index {@code index}: 84 % scans, 6 % bar, 4 % line, 6 % panels. */
  public static FigureSpec spec(long seed, long index) {
    SplittableRandom r = new SplittableRandom(MedicalRenderer.mix(seed, index));
    double p = r.nextDouble();
    if (p < 0.84) {
      return scan(r);
    } else if (p < 0.90) {
      return new ChartSpec(
          ChartSpec.Kind.BAR,
          3 + r.nextInt(4),
          ChartSpec.Trend.values()[r.nextInt(3)],
          r.nextBoolean(),
          r.nextLong());
    } else if (p < 0.94) {
      return new ChartSpec(
          ChartSpec.Kind.LINE,
          1 + r.nextInt(3),
          ChartSpec.Trend.values()[r.nextInt(3)],
          r.nextBoolean(),
          r.nextLong());
    }
    ScanSpec first = scan(r, false);
    List<ScanSpec> panels = new ArrayList<>();
    panels.add(first);
    for (int i = 1; i < 4; i++) {
      panels.add(scan(r, first.modality(), first.anatomy(), false));
    }
    return new PanelSpec(panels);
  }

  /** (modality, anatomy) pairs that are drawn, in a fixed order. */
  private static final List<Modality> PAIRS_M = new ArrayList<>();

  private static final List<Anatomy> PAIRS_A = new ArrayList<>();

  static {
    for (Modality m : Modality.values()) {
      for (Anatomy a : Anatomy.values()) {
        if (ScanSpec.supports(m, a)) {
          PAIRS_M.add(m);
          PAIRS_A.add(a);
        }
      }
    }
  }

  /** A random scan with or without an arrow. */
  static ScanSpec scan(SplittableRandom r) {
    return scan(r, true);
  }

  private static ScanSpec scan(SplittableRandom r, boolean arrows) {
    int k = r.nextInt(PAIRS_A.size());
    return scan(r, PAIRS_M.get(k), PAIRS_A.get(k), arrows);
  }

  /**
   * A random scan of {@code m} / {@code a}: 10 % normal (figures in the literature rarely show a
   * normal study), other findings evenly. With {@code arrows} (a figure of its own, not a panel) 20
   * % of the findings have an arrow and half of the CT and T1-weighted MRI studies are
   * contrast-enhanced; panels have neither, as their caption describes the four at once.
   */
  static ScanSpec scan(SplittableRandom r, Modality m, Anatomy a, boolean arrows) {
    List<Finding> abnormal = new ArrayList<>();
    for (Finding f : Finding.values()) {
      if (f != Finding.NORMAL && ScanSpec.attributes(m, a, f) != null) {
        abnormal.add(f);
      }
    }
    Finding f =
        r.nextDouble() < 0.10 || abnormal.isEmpty()
            ? Finding.NORMAL
            : abnormal.get(r.nextInt(abnormal.size()));
    ScanSpec.Attributes at = ScanSpec.attributes(m, a, f);
    Side side = at.side() ? (r.nextBoolean() ? Side.LEFT : Side.RIGHT) : Side.NONE;
    Level level = at.level() ? (r.nextBoolean() ? Level.UPPER : Level.LOWER) : Level.NONE;
    SizeClass size =
        at.size() ? (r.nextBoolean() ? SizeClass.SMALL : SizeClass.LARGE) : SizeClass.NONE;
    double radius =
        f != Finding.NODULE
            ? 0
            : switch (size) {
              case SMALL -> 3 + r.nextDouble() * 1.99;
              case LARGE -> 8 + r.nextDouble() * 3.99;
              case NONE -> 0;
            };
    int vertebra = 0;
    if (f == Finding.FRACTURE && a == Anatomy.SPINE) {
      vertebra = (level == Level.UPPER ? 1 : 4) + r.nextInt(2);
    }
    boolean arrow = arrows && f != Finding.NORMAL && r.nextDouble() < 0.2;
    boolean contrast = arrows && ScanSpec.enhances(m) && r.nextBoolean();
    return new ScanSpec(
        m, a, f, side, level, size, radius, vertebra, arrow, contrast, r.nextLong());
  }

  /** Sample {@code index}: id, PNG bytes and caption. */
  static ImageClefWriter.Sample sample(long seed, long index) {
    FigureSpec spec = spec(seed, index);
    return new ImageClefWriter.Sample(
        id(index), MedicalRenderer.png(spec), ".png", MedicalCaptions.caption(spec));
  }

  /**
   * Writes a corpus under {@code out}.
   *
   * @param out output folder; created; must not already hold a corpus unless {@code overwrite}
   * @param seed corpus seed
   * @param train images in {@code training/} (later split 90:10 into TRAIN/VALIDATION)
   * @param test images in {@code validation/} (the TEST split)
   * @param unlabelled uncaptioned images in {@code test/}
   * @param threads worker threads, at least 1
   * @param overwrite replace an existing corpus in {@code out}
   */
  public static void generate(
      Path out, long seed, int train, int test, int unlabelled, int threads, boolean overwrite)
      throws DatasetException, IOException {
    ImageClefWriter.prepare(out, overwrite);
    ImageClefWriter.write(
        out,
        index -> sample(seed, index),
        new ImageClefWriter.Counts(train, test, unlabelled),
        threads);
    Semantics.write(
        out,
        (long) train + test,
        SyntheticCorpusGenerator::id,
        i -> {
          FigureSpec spec = spec(seed, i);
          return meaning(spec, MedicalCaptions.caption(spec));
        });
  }

  /**
   * What {@code caption} (the caption of {@code spec}) states, canonically: every attribute that
   * the caption generator ({@link MedicalCaptions}) puts into words and the renderer draws; not the
   * wording, patient details, figure numbers or chart topics, which no image shows. An arrow counts
   * only when the caption mentions it. Sizes within one size class count as equal (the millimetres
   * some captions give are not compared), so a ceiling computed from meanings is a slight
   * underestimate. Captions of figures with equal meanings are interchangeable for any model.
   */
  public static String meaning(FigureSpec spec, String caption) {
    if (spec instanceof ScanSpec s) {
      return String.join(
          " ",
          s.modality().name(),
          s.anatomy().name(),
          s.finding().name(),
          s.side().name(),
          s.level().name(),
          s.size().name(),
          "L" + s.vertebra(),
          s.arrow() && caption.contains("(arrow)") ? "ARROW" : "-",
          s.contrast() ? "CONTRAST" : "-");
    }
    if (spec instanceof ChartSpec c) {
      return String.join(
          " ",
          c.kind().name(),
          String.valueOf(c.series()),
          c.trend().name(),
          c.errorBars() ? "ERRORBARS" : "-");
    }
    PanelSpec p = (PanelSpec) spec;
    return "PANELS " + String.join(" | ", p.panels().stream().map(x -> meaning(x, "")).toList());
  }
}
