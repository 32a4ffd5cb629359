package org.medclip.training.data;

import java.util.Objects;

/**
 * One synthetic greyscale scan.
 *
 * <p>Sides are the PATIENT's: images follow the radiological convention, so the patient's left is
 * drawn on the image's right (x &gt; width / 2) in frontal and axial views. Level UPPER is the
 * upper image half of the organ: upper lobe/zone on a frontal chest image, anterior on an axial
 * chest image, frontal lobe on an axial brain image, femur (vs tibia) on a knee image.
 *
 * @param modality imaging modality
 * @param anatomy body part
 * @param finding what is abnormal, or {@link Finding#NORMAL}
 * @param side the patient side of the finding, {@link Side#NONE} when not applicable
 * @param level the level of the finding, {@link Level#NONE} when not applicable
 * @param size size class of a nodule/mass or of a joint effusion, ascites or free fluid (the amount
 *     of fluid), {@link SizeClass#NONE} otherwise
 * @param lesionRadiusPx radius in pixels (of a 128-pixel image) of a nodule/mass, 0 otherwise;
 *     SMALL is in [3, 5), LARGE in [8, 12)
 * @param vertebra lumbar vertebra 1..5 of a spine fracture (UPPER: 1-2, LOWER: 4-5), 0 otherwise
 * @param arrow whether an arrow points at the finding (the caption then says "(arrow)")
 * @param contrast whether the study is contrast-enhanced (intravenous contrast on CT, gadolinium on
 *     T1-weighted MRI): organs and soft tissue brighter, vessels and dura bright; only CT and MRI
 *     T1 have it, and their captions always say so when it is
 * @param seed drives anatomical variation and noise; the finding has its own derived stream, so the
 *     same spec with {@link Finding#NORMAL} differs only where the finding is drawn
 */
public record ScanSpec(
    Modality modality,
    Anatomy anatomy,
    Finding finding,
    Side side,
    Level level,
    SizeClass size,
    double lesionRadiusPx,
    int vertebra,
    boolean arrow,
    boolean contrast,
    long seed)
    implements FigureSpec {

  /** Imaging modality. */
  public enum Modality {
    /** Projection radiograph: bright bone on dark background. */
    XRAY,
    /** Computed tomography: circular field of view, soft-tissue grey, bright bone. */
    CT,
    /** T1-weighted MRI: fluid dark, fat and marrow bright. */
    MRI_T1,
    /** T2-weighted MRI: fluid bright. */
    MRI_T2,
    /** Ultrasound: fan-shaped sector with speckle. */
    ULTRASOUND
  }

  /** Body part. */
  public enum Anatomy {
    /** Lungs, ribs, heart. */
    CHEST,
    /** Skull ring, brain, ventricles. */
    BRAIN,
    /** Liver, spleen, kidneys (CT); liver and gallbladder (ultrasound). */
    ABDOMEN,
    /** Lumbar vertebral column, L1 to L5 from top to bottom. */
    SPINE,
    /** Femur, joint space, tibia, fibula. */
    KNEE
  }

  /** Finding. */
  public enum Finding {
    /** Nothing abnormal drawn. */
    NORMAL,
    /** A round lesion (nodule, or mass when LARGE). */
    NODULE,
    /** A dark line across a bone (rib, skull, femur, tibia or vertebra). */
    FRACTURE,
    /** Fluid: pleural effusion with a fluid level, joint effusion, ascites or free fluid. */
    EFFUSION,
    /** Small bright specks (or a gallstone with acoustic shadow on ultrasound). */
    CALCIFICATION
  }

  /** Patient side. */
  public enum Side {
    NONE,
    LEFT,
    RIGHT
  }

  /** Level within the organ. */
  public enum Level {
    NONE,
    UPPER,
    LOWER
  }

  /** Size class of a nodule or mass. */
  public enum SizeClass {
    NONE,
    SMALL,
    LARGE
  }

  /** Checks that every attribute is one the renderer draws for this modality and anatomy. */
  public ScanSpec {
    Objects.requireNonNull(modality);
    Objects.requireNonNull(anatomy);
    Objects.requireNonNull(finding);
    Objects.requireNonNull(side);
    Objects.requireNonNull(level);
    Objects.requireNonNull(size);
    Attributes a = attributes(modality, anatomy, finding);
    if (a == null) {
      throw new IllegalArgumentException(
          "no " + finding + " is drawn on " + modality + " " + anatomy);
    }
    if (a.side != (side != Side.NONE)
        || a.level != (level != Level.NONE)
        || a.size != (size != SizeClass.NONE)
        || (finding == Finding.FRACTURE && anatomy == Anatomy.SPINE) != (vertebra != 0)) {
      throw new IllegalArgumentException(
          "attributes of "
              + modality
              + " "
              + anatomy
              + " "
              + finding
              + " must be: side "
              + a.side
              + ", level "
              + a.level
              + ", size "
              + a.size);
    }
    boolean lesion = finding == Finding.NODULE;
    if (a.size
        && lesion
        && !(size == SizeClass.SMALL
            ? lesionRadiusPx >= 3 && lesionRadiusPx < 5
            : lesionRadiusPx >= 8 && lesionRadiusPx < 12)) {
      throw new IllegalArgumentException("radius " + lesionRadiusPx + " does not fit " + size);
    }
    if (!lesion && lesionRadiusPx != 0) {
      throw new IllegalArgumentException("radius without a nodule or mass");
    }
    if (vertebra != 0
        && (level == Level.UPPER ? vertebra < 1 || vertebra > 2 : vertebra < 4 || vertebra > 5)) {
      throw new IllegalArgumentException("vertebra L" + vertebra + " does not fit level " + level);
    }
    if (arrow && finding == Finding.NORMAL) {
      throw new IllegalArgumentException("an arrow needs a finding");
    }
    if (contrast && !enhances(modality)) {
      throw new IllegalArgumentException("no contrast enhancement is drawn on " + modality);
    }
  }

  /** Whether studies of {@code m} can be contrast-enhanced: CT and T1-weighted MRI. */
  public static boolean enhances(Modality m) {
    return m == Modality.CT || m == Modality.MRI_T1;
  }

  /** Which attributes a finding has; null when the renderer does not draw it. */
  record Attributes(boolean side, boolean level, boolean size) {}

  /**
   * The attributes of {@code finding} on {@code modality} / {@code anatomy}, or null when that
   * combination is not drawn.
   */
  static Attributes attributes(Modality m, Anatomy a, Finding f) {
    if (!supports(m, a)) {
      return null;
    }
    if (f == Finding.NORMAL) {
      return new Attributes(false, false, false);
    }
    boolean mri = m == Modality.MRI_T1 || m == Modality.MRI_T2;
    return switch (a) {
      case CHEST ->
          switch (f) {
            case NODULE -> new Attributes(true, true, true);
            case CALCIFICATION -> new Attributes(true, m == Modality.XRAY, false);
            case EFFUSION -> new Attributes(true, false, false);
            case FRACTURE -> m == Modality.XRAY ? new Attributes(true, false, false) : null;
            default -> null;
          };
      case BRAIN ->
          switch (f) {
            case NODULE -> new Attributes(true, true, true);
            case CALCIFICATION, FRACTURE ->
                m == Modality.CT ? new Attributes(true, false, false) : null;
            default -> null;
          };
      case ABDOMEN ->
          switch (f) {
            case NODULE -> new Attributes(false, false, true);
            case CALCIFICATION ->
                m == Modality.CT
                    ? new Attributes(true, false, false)
                    : new Attributes(false, false, false);
            case EFFUSION -> new Attributes(false, false, true);
            default -> null;
          };
      case SPINE -> f == Finding.FRACTURE ? new Attributes(false, true, false) : null;
      case KNEE ->
          switch (f) {
            case FRACTURE -> new Attributes(false, true, false);
            case EFFUSION -> m == Modality.XRAY || mri ? new Attributes(false, false, true) : null;
            default -> null;
          };
    };
  }

  /** Whether {@code modality} / {@code anatomy} is drawn at all. */
  static boolean supports(Modality m, Anatomy a) {
    return switch (m) {
      case XRAY -> a == Anatomy.CHEST || a == Anatomy.KNEE || a == Anatomy.SPINE;
      case CT ->
          a == Anatomy.CHEST || a == Anatomy.BRAIN || a == Anatomy.ABDOMEN || a == Anatomy.SPINE;
      case MRI_T1, MRI_T2 -> a == Anatomy.BRAIN || a == Anatomy.KNEE || a == Anatomy.SPINE;
      case ULTRASOUND -> a == Anatomy.ABDOMEN;
    };
  }

  /** A normal scan of the same patient: same modality, anatomy, contrast and seed, no finding. */
  public ScanSpec withoutFinding() {
    return new ScanSpec(
        modality,
        anatomy,
        Finding.NORMAL,
        Side.NONE,
        Level.NONE,
        SizeClass.NONE,
        0,
        0,
        false,
        contrast,
        seed);
  }

  /** Millimetres per pixel of a 128-pixel image of this anatomy (for sizes stated in mm). */
  public double mmPerPixel() {
    return switch (anatomy) {
      case CHEST, ABDOMEN -> 2.4;
      case BRAIN -> 1.5;
      case SPINE, KNEE -> 1.2;
    };
  }

  /** Diameter of the nodule/mass in millimetres, rounded; 0 when there is none. */
  public int lesionDiameterMm() {
    return (int) Math.round(2 * lesionRadiusPx * mmPerPixel());
  }
}
