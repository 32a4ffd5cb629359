package org.medclip.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.medclip.training.data.ScanSpec.Anatomy;
import org.medclip.training.data.ScanSpec.Finding;
import org.medclip.training.data.ScanSpec.Level;
import org.medclip.training.data.ScanSpec.Modality;
import org.medclip.training.data.ScanSpec.Side;
import org.medclip.training.data.ScanSpec.SizeClass;

/**
 * Writes radiology-style captions for {@link FigureSpec}s. Every attribute a caption states
 * (modality, contrast enhancement, view, anatomy, finding, side, level, size class or size in mm,
 * amount of fluid, vertebra, arrow, chart type, number of bars or lines, trend, error bars, panel
 * letters) is taken from the spec and therefore drawn. The phrasing varies with a random stream
 * derived from the spec's seed: synonyms, abbreviations, sentence order, and distractor clauses
 * that the image neither shows nor contradicts (figure numbers, patient age and sex, follow-up
 * remarks, chart topics).
 *
 * <p>Captions are one line: no tabs, no line breaks.
 */
public final class MedicalCaptions {

  private MedicalCaptions() {}

  /** The caption of {@code spec}; deterministic. */
  public static String caption(FigureSpec spec) {
    String text;
    if (spec instanceof ScanSpec s) {
      text = scan(s, rnd(s.seed()));
    } else if (spec instanceof ChartSpec c) {
      text = chart(c, rnd(c.seed()));
    } else {
      PanelSpec p = (PanelSpec) spec;
      text = panels(p, rnd(p.panels().get(0).seed() ^ 0x9A4E1L));
    }
    return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  private static SplittableRandom rnd(long seed) {
    return new SplittableRandom(MedicalRenderer.mix(seed, 0xCA9710L));
  }

  private static String pick(SplittableRandom r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static boolean chance(SplittableRandom r, double p) {
    return r.nextDouble() < p;
  }

  static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six"};

  // ---------------------------------------------------------------------------------------------
  // Scans

  static String scan(ScanSpec s, SplittableRandom r) {
    String mod = modalityPhrase(s, r);
    String prefix = distractorPrefix(r);
    String patient = chance(r, 0.3) ? patientClause(r) : "";
    String suffix = chance(r, 0.12) ? " " + pick(r, FOLLOW_UPS) : "";
    if (s.finding() == Finding.NORMAL) {
      String body =
          switch (r.nextInt(5)) {
            case 0 -> "normal " + mod + patient + ".";
            case 1 -> mod + patient + " with no abnormality.";
            case 2 -> mod + patient + ": unremarkable study.";
            case 3 -> "no acute abnormality on " + mod + patient + ".";
            default -> mod + patient + " showing normal findings.";
          };
      return prefix + capitalise(body) + suffix;
    }
    String finding = findingPhrase(s, r);
    String arrow = s.arrow() ? " (arrow)" : "";
    String body =
        switch (r.nextInt(6)) {
          case 0 -> mod + patient + " showing " + finding + arrow + ".";
          case 1 -> mod + patient + " demonstrates " + finding + arrow + ".";
          case 2 -> finding + arrow + " on " + mod + patient + ".";
          case 3 -> mod + patient + ": " + finding + arrow + ".";
          case 4 -> mod + patient + " reveals " + finding + arrow + ".";
          default -> "there is " + finding + arrow + ". " + capitalise(mod) + patient + ".";
        };
    return prefix + capitalise(body) + suffix;
  }

  private static final String[] FOLLOW_UPS = {
    "Follow-up imaging was recommended.",
    "See text for details.",
    "Findings were discussed with the referring clinician.",
    "Image obtained at the initial presentation."
  };

  private static String distractorPrefix(SplittableRandom r) {
    double p = r.nextDouble();
    if (p < 0.2) {
      return "Figure " + (1 + r.nextInt(8)) + ". ";
    } else if (p < 0.28) {
      return "Fig. " + (1 + r.nextInt(8)) + ": ";
    } else if (p < 0.33) {
      return "Case " + (1 + r.nextInt(40)) + ". ";
    }
    return "";
  }

  private static String patientClause(SplittableRandom r) {
    int age = 18 + r.nextInt(72);
    boolean an = age == 11 || age == 18 || (age >= 80 && age <= 89) || age == 8;
    return (an ? " in an " : " in a ")
        + age
        + "-year-old "
        + pick(r, "patient", "man", "woman", "patient");
  }

  static String modalityNoun(Modality m, SplittableRandom r) {
    return switch (m) {
      case XRAY -> pick(r, "radiograph", "X-ray", "plain radiograph", "X-ray image");
      case CT -> pick(r, "CT", "computed tomography", "CT scan", "CT image");
      case MRI_T1 ->
          pick(
              r,
              "T1-weighted MRI",
              "T1-weighted MR image",
              "T1-weighted magnetic resonance image",
              "T1 MRI");
      case MRI_T2 ->
          pick(
              r,
              "T2-weighted MRI",
              "T2-weighted MR image",
              "T2-weighted magnetic resonance image",
              "T2 MRI");
      case ULTRASOUND -> pick(r, "ultrasound", "sonography", "US image", "ultrasound image");
    };
  }

  private static String view(ScanSpec s, SplittableRandom r) {
    return switch (s.modality()) {
      case XRAY ->
          s.anatomy() == Anatomy.CHEST
              ? pick(r, "frontal ", "posteroanterior ", "PA ", "")
              : pick(r, "frontal ", "anteroposterior ", "AP ", "");
      case CT ->
          s.anatomy() == Anatomy.SPINE
              ? pick(r, "sagittal ", "sagittal reformatted ")
              : pick(r, "axial ", "");
      case MRI_T1, MRI_T2 ->
          switch (s.anatomy()) {
            case KNEE -> pick(r, "coronal ", "");
            case SPINE -> pick(r, "sagittal ", "");
            default -> pick(r, "axial ", "");
          };
      case ULTRASOUND -> "";
    };
  }

  static String modalityPhrase(ScanSpec s, SplittableRandom r) {
    if (s.modality() == Modality.XRAY && s.anatomy() == Anatomy.CHEST && chance(r, 0.12)) {
      return "CXR";
    }
    String view = view(s, r);
    String noun = modalityNoun(s.modality(), r);
    String[] contrast = contrastWords(s, r);
    view = contrast[0] + view;
    noun = noun + contrast[1];
    String[] ofForms;
    String[] prefixForms;
    switch (s.anatomy()) {
      case CHEST -> {
        ofForms = new String[] {"of the chest", "of the thorax"};
        prefixForms = new String[] {"chest"};
      }
      case BRAIN -> {
        ofForms = new String[] {"of the brain", "of the head"};
        prefixForms = new String[] {"brain", "head"};
      }
      case ABDOMEN -> {
        ofForms = new String[] {"of the abdomen", "of the upper abdomen"};
        prefixForms = new String[] {"abdominal"};
      }
      case SPINE -> {
        ofForms = new String[] {"of the lumbar spine"};
        prefixForms = new String[] {"lumbar spine"};
      }
      default -> {
        ofForms = new String[] {"of the knee", "of the knee joint"};
        prefixForms = new String[] {"knee"};
      }
    }
    if (chance(r, 0.5)) {
      return view + noun + " " + pick(r, ofForms);
    }
    return view + pick(r, prefixForms) + " " + noun;
  }

  /**
   * {prefix, suffix} around the modality noun: an enhanced study always says so ("contrast-enhanced
   * CT", "T1-weighted MRI after gadolinium"); an unenhanced CT or T1-weighted study says so half of
   * the time; other modalities say nothing.
   */
  private static String[] contrastWords(ScanSpec s, SplittableRandom r) {
    if (!ScanSpec.enhances(s.modality())) {
      return new String[] {"", ""};
    }
    boolean ct = s.modality() == Modality.CT;
    if (s.contrast()) {
      if (chance(r, 0.25)) {
        return new String[] {
          "", ct ? pick(r, " with intravenous contrast", " with IV contrast") : " after gadolinium"
        };
      }
      return new String[] {
        ct
            ? pick(r, "contrast-enhanced ", "post-contrast ", "IV contrast-enhanced ")
            : pick(r, "post-contrast ", "gadolinium-enhanced ", "contrast-enhanced "),
        ""
      };
    }
    if (chance(r, 0.5)) {
      return new String[] {"", ""};
    }
    return new String[] {
      ct
          ? pick(r, "non-contrast ", "unenhanced ", "non-enhanced ")
          : pick(r, "pre-contrast ", "unenhanced ", "non-contrast "),
      ""
    };
  }

  private static String side(Side s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /** "small" / "large" (word form). */
  private static String sizeClassWord(ScanSpec s, SplittableRandom r) {
    return s.size() == SizeClass.SMALL
        ? pick(r, "small", "small", "tiny")
        : pick(r, "large", "large", "bulky");
  }

  /** "8 mm" / "2.6 cm" (from the drawn radius). */
  private static String measurement(ScanSpec s, SplittableRandom r) {
    int mm = s.lesionDiameterMm();
    if (s.size() == SizeClass.SMALL || chance(r, 0.4)) {
      return mm + " mm";
    }
    return String.format(Locale.ROOT, "%.1f cm", mm / 10.0);
  }

  private static String article(String next) {
    return "aeiou".indexOf(Character.toLowerCase(next.charAt(0))) >= 0 ? "an " : "a ";
  }

  static String findingPhrase(ScanSpec s, SplittableRandom r) {
    return switch (s.finding()) {
      case NODULE -> nodule(s, r);
      case CALCIFICATION -> calcification(s, r);
      case EFFUSION -> effusion(s, r);
      case FRACTURE -> fracture(s, r);
      case NORMAL -> "no abnormality";
    };
  }

  private static String nodule(ScanSpec s, SplittableRandom r) {
    boolean large = s.size() == SizeClass.LARGE;
    String noun;
    String location;
    String adjective = "";
    switch (s.anatomy()) {
      case CHEST -> {
        noun =
            large
                ? pick(r, "mass", "opacity", "lesion", "pulmonary mass")
                : pick(r, "nodule", "lesion", "opacity", "pulmonary nodule");
        if (s.modality() == Modality.XRAY) {
          String lvl = s.level() == Level.UPPER ? "upper" : "lower";
          if (chance(r, 0.15)) {
            String abbr =
                (s.side() == Side.LEFT ? "L" : "R") + (s.level() == Level.UPPER ? "UL" : "LL");
            location = "in the " + abbr;
          } else {
            location =
                "in the " + side(s.side()) + " " + lvl + " " + pick(r, "lobe", "zone", "lung zone");
          }
        } else {
          String lvl = s.level() == Level.UPPER ? "anterior" : "posterior";
          location =
              pick(
                  r,
                  "in the " + lvl + " " + side(s.side()) + " lung",
                  "in the " + side(s.side()) + " lung, " + lvl + "ly");
        }
      }
      case BRAIN -> {
        noun =
            large
                ? pick(r, "mass", "lesion", "space-occupying lesion")
                : pick(r, "lesion", "nodule", "focal lesion");
        if (chance(r, 0.5)) {
          adjective =
              switch (s.modality()) {
                case CT -> "hyperdense ";
                case MRI_T1 -> "hypointense ";
                default -> "hyperintense ";
              };
        }
        String lobe = s.level() == Level.UPPER ? "frontal" : "occipital";
        location =
            pick(
                r,
                "in the " + side(s.side()) + " " + lobe + " lobe",
                "in the " + lobe + " lobe on the " + side(s.side()),
                "in the " + side(s.side()) + " " + lobe + " region");
        if (s.modality() == Modality.MRI_T2 && chance(r, 0.3)) {
          location += " with surrounding oedema";
        }
      }
      default -> {
        noun = large ? pick(r, "mass", "lesion") : pick(r, "lesion", "nodule");
        if (s.modality() == Modality.ULTRASOUND) {
          adjective = pick(r, "hypoechoic ", "hypoechoic ", "");
          location = pick(r, "in the liver", "within the hepatic parenchyma");
        } else {
          adjective = pick(r, "hypodense ", "low-attenuation ", "");
          location = pick(r, "in the liver", "in the right lobe of the liver");
        }
      }
    }
    double form = r.nextDouble();
    if (form < 0.15) {
      String head = adjective + noun;
      return article(head) + head + " " + location + " measuring " + measurement(s, r);
    }
    String size = form < 0.4 ? measurement(s, r) : sizeClassWord(s, r);
    String head = size + " " + adjective + noun;
    return article(head) + head + " " + location;
  }

  private static String calcification(ScanSpec s, SplittableRandom r) {
    String side = side(s.side());
    return switch (s.anatomy()) {
      case CHEST -> {
        String where =
            s.level() == Level.NONE
                ? "the " + side + " lung"
                : "the " + side + " " + (s.level() == Level.UPPER ? "upper" : "lower") + " zone";
        yield pick(r, "calcified nodules", "punctate calcifications", "calcified granulomas")
            + " in "
            + where;
      }
      case BRAIN ->
          pick(
              r,
              "calcifications in the " + side + " cerebral hemisphere",
              "punctate " + side + " hemispheric calcifications",
              "calcified foci in the " + side + " hemisphere");
      default ->
          s.modality() == Modality.ULTRASOUND
              ? pick(
                  r,
                  "a gallstone with posterior acoustic shadowing",
                  "cholelithiasis with acoustic shadowing",
                  "an echogenic gallstone casting an acoustic shadow")
              : pick(
                  r,
                  "a " + side + " renal calculus",
                  "a calculus in the " + side + " kidney",
                  "a " + side + " kidney stone");
    };
  }

  private static String effusion(ScanSpec s, SplittableRandom r) {
    return switch (s.anatomy()) {
      case CHEST ->
          pick(
              r,
              "a " + side(s.side()) + " pleural effusion",
              "a pleural effusion on the " + side(s.side()),
              "a " + side(s.side()) + "-sided effusion with a fluid level",
              "fluid in the " + side(s.side()) + " pleural space");
      case KNEE -> {
        String a = amountWord(s, r);
        yield pick(
            r,
            article(a) + a + " joint effusion",
            article(a) + a + " knee effusion",
            article(a) + a + " effusion of the knee joint");
      }
      default -> {
        String a = amountWord(s, r);
        yield s.modality() == Modality.ULTRASOUND
            ? pick(
                r,
                article(a) + a + " amount of free fluid",
                a + " anechoic free fluid",
                a + " ascites")
            : pick(r, a + " ascites", a + " free intraperitoneal fluid", a + " perihepatic fluid");
      }
    };
  }

  /** The amount of fluid of an effusion with a size class. */
  private static String amountWord(ScanSpec s, SplittableRandom r) {
    return s.size() == SizeClass.SMALL
        ? pick(r, "small", "minimal")
        : pick(r, "large", "extensive");
  }

  private static String fracture(ScanSpec s, SplittableRandom r) {
    String side = side(s.side());
    return switch (s.anatomy()) {
      case CHEST ->
          pick(
              r,
              "a " + side + " rib fracture",
              "a fracture of a " + side + " rib",
              "a " + side + "-sided rib fracture");
      case BRAIN ->
          pick(
              r,
              "a " + side + " skull fracture",
              "a fracture of the " + side + " calvarium",
              "a " + side + "-sided calvarial fracture");
      case SPINE -> {
        String v = "L" + s.vertebra();
        String region = s.level() == Level.UPPER ? "upper" : "lower";
        yield pick(
            r,
            "a fracture of " + v,
            "an " + v + " vertebral fracture",
            "a compression fracture of the " + v + " vertebral body",
            article(region) + region + " lumbar vertebral fracture (" + v + ")");
      }
      default ->
          s.level() == Level.UPPER
              ? pick(
                  r,
                  "a distal femoral fracture",
                  "a fracture of the distal femur",
                  "a femoral fracture")
              : pick(
                  r,
                  "a proximal tibial fracture",
                  "a fracture of the proximal tibia",
                  "a tibial fracture");
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Panels and charts

  static String panels(PanelSpec p, SplittableRandom r) {
    ScanSpec first = p.panels().get(0);
    String mod = modalityPhrase(first, r);
    StringBuilder sb = new StringBuilder();
    sb.append(pick(r, "Figure ", "Fig. ")).append(1 + r.nextInt(8)).append(". ");
    sb.append(capitalise(pick(r, "", "multi-panel figure: ", "four panels: ") + mod));
    sb.append(pick(r, ".", ", four patients.", ", different patients."));
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ScanSpec s = p.panels().get(i);
      String f =
          s.finding() == Finding.NORMAL
              ? pick(r, "normal", "no abnormality", "normal study")
              : findingPhrase(s, r);
      parts.add("(" + (char) ('A' + i) + ") " + f);
    }
    sb.append(' ').append(capitalise(String.join("; ", parts))).append('.');
    return sb.toString();
  }

  private static final String[] TOPICS = {
    "mean tumour size",
    "survival rate",
    "serum marker levels",
    "response rate",
    "lesion volume",
    "diagnostic accuracy",
    "signal intensity",
    "patient counts"
  };

  static String chart(ChartSpec c, SplittableRandom r) {
    String topic = pick(r, TOPICS);
    String n = chance(r, 0.5) ? NUMBERS[c.series()] : Integer.toString(c.series());
    StringBuilder sb = new StringBuilder();
    if (chance(r, 0.5)) {
      sb.append(pick(r, "Figure ", "Fig. ")).append(1 + r.nextInt(8)).append(". ");
    }
    if (c.kind() == ChartSpec.Kind.BAR) {
      sb.append(pick(r, "Bar chart", "Bar graph", "Histogram-style bar chart"));
      sb.append(pick(r, " comparing ", " of ", " showing "))
          .append(topic)
          .append(pick(r, " across ", " in ", " for "))
          .append(n)
          .append(" groups");
      switch (c.trend()) {
        case INCREASING ->
            sb.append(pick(r, ", increasing from left to right", " with a steady increase"));
        case DECREASING ->
            sb.append(pick(r, ", decreasing from left to right", " with a steady decrease"));
        default -> {}
      }
    } else {
      sb.append(pick(r, "Line graph", "Line chart", "Plot"));
      sb.append(" of ").append(topic).append(" over time for ");
      sb.append(
          c.series() == 1
              ? pick(r, "a single group", "one cohort", "one group")
              : n + pick(r, " groups", " cohorts"));
      switch (c.trend()) {
        case INCREASING -> sb.append(pick(r, ", showing an increase", ", rising steadily"));
        case DECREASING -> sb.append(pick(r, ", showing a decline", ", falling steadily"));
        default -> {}
      }
    }
    sb.append('.');
    if (c.errorBars()) {
      sb.append(pick(r, " Error bars show the standard deviation.", " Data are mean ± SD."));
    }
    return sb.toString();
  }
}
