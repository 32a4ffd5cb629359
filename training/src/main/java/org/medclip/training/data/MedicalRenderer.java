package org.medclip.training.data;

import java.util.SplittableRandom;
import org.medclip.training.data.ScanSpec.Finding;
import org.medclip.training.data.ScanSpec.Level;
import org.medclip.training.data.ScanSpec.Modality;
import org.medclip.training.data.ScanSpec.Side;
import org.medclip.training.data.ScanSpec.SizeClass;

/**
 * Draws {@link FigureSpec}s as 128x128 greyscale images. Pure and thread-safe: the pixels depend
 * only on the spec.
 *
 * <p>Each scan uses three random streams derived from its seed, in this order: anatomy (jitter of
 * organ positions), finding (placement within the organ), noise. Changing only the finding changes
 * only the finding stream, so a scan with and without its finding differ only around the finding
 * (plus one pixel of blur).
 */
public final class MedicalRenderer {

  /** Width and height of every image, in pixels. */
  public static final int SIZE = 128;

  private MedicalRenderer() {}

  /** Renders any figure. */
  public static Canvas render(FigureSpec spec) {
    if (spec instanceof ScanSpec s) {
      return renderScan(s);
    } else if (spec instanceof ChartSpec c) {
      return ChartRenderer.render(c);
    } else {
      return renderPanels((PanelSpec) spec);
    }
  }

  /** PNG bytes of {@link #render}. */
  public static byte[] png(FigureSpec spec) {
    return render(spec).toPng();
  }

  /** Grey levels 0..255 of {@link #render}, row-major (for tests and checks). */
  public static int[] grey(FigureSpec spec) {
    Canvas c = render(spec);
    int[] out = new int[c.width * c.height];
    for (int y = 0; y < c.height; y++) {
      for (int x = 0; x < c.width; x++) {
        out[y * c.width + x] = Canvas.to8(c.get(x, y));
      }
    }
    return out;
  }

  static Canvas renderPanels(PanelSpec p) {
    Canvas out = new Canvas(SIZE, SIZE, 1);
    out.fill(1f);
    for (int i = 0; i < 4; i++) {
      int ox = (i % 2) * (SIZE / 2);
      int oy = (i / 2) * (SIZE / 2);
      out.drawHalf(renderScan(p.panels().get(i)), ox, oy);
      // white 1-pixel gutter between panels, letter on a black box in each panel's corner
      out.rect(ox + 4.5, oy + 5.5, 4.5, 5.5, 0, 0f);
      out.letter((char) ('A' + i), ox + 2, oy + 2, 1, 1f);
    }
    out.line(SIZE / 2.0, 0, SIZE / 2.0, SIZE, 1.5, 1f);
    out.line(0, SIZE / 2.0, SIZE, SIZE / 2.0, 1.5, 1f);
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Tissues

  private enum T {
    BG,
    AIR,
    LUNG,
    FAT,
    SOFT,
    ORGAN,
    FLUID,
    BONE,
    MARROW,
    GM,
    WM,
    CALC
  }

  // Rows: XRAY, CT, MRI_T1, MRI_T2, ULTRASOUND; columns: T in order.
  private static final float[][] PALETTE = {
    {.03f, .04f, .14f, .30f, .36f, .40f, .45f, .88f, .72f, .40f, .40f, 1f},
    {0f, .06f, .08f, .22f, .45f, .52f, .33f, .95f, .68f, .52f, .44f, 1f},
    {.02f, .02f, .04f, .88f, .40f, .45f, .12f, .06f, .78f, .42f, .62f, .05f},
    {.02f, .02f, .04f, .62f, .30f, .35f, .92f, .05f, .50f, .58f, .38f, .05f},
    {0f, 0f, .04f, .55f, .40f, .45f, .04f, .90f, .60f, .45f, .45f, 1f},
  };

  /** Per-render state: canvas, modality palette, streams, where the finding is. */
  private static final class Ctx {
    final ScanSpec s;
    final Canvas c = new Canvas(SIZE, SIZE, 1);
    final SplittableRandom anat;
    final SplittableRandom find;
    final SplittableRandom noise;
    // geometry shared between anatomy and finding, in pixels
    double[] gx = new double[4];
    double[] gy = new double[4];
    double fx = Double.NaN;
    double fy = Double.NaN;

    Ctx(ScanSpec s) {
      this.s = s;
      this.anat = new SplittableRandom(s.seed());
      this.find = new SplittableRandom(mix(s.seed(), 0x5EEDF1D1L));
      this.noise = new SplittableRandom(mix(s.seed(), 0x0015EL));
    }

    /**
     * The grey value of {@code tissue}; in a contrast-enhanced study organs are 0.22 and soft
     * tissue 0.12 brighter.
     */
    float t(T tissue) {
      float v = PALETTE[s.modality().ordinal()][tissue.ordinal()];
      if (s.contrast()) {
        v += tissue == T.ORGAN ? .22f : tissue == T.SOFT ? .12f : 0f;
      }
      return Math.min(1f, v);
    }

    /** {@code plain}, or {@code enhanced} in a contrast-enhanced study. */
    float enh(float plain, float enhanced) {
      return s.contrast() ? enhanced : plain;
    }

    /** By the amount of fluid of an effusion: {@code small} for SMALL, else {@code large}. */
    double amount(double small, double large) {
      return s.size() == SizeClass.SMALL ? small : large;
    }

    double j(double amplitude) {
      return (anat.nextDouble() * 2 - 1) * amplitude;
    }

    double f(double lo, double hi) {
      return lo + find.nextDouble() * (hi - lo);
    }

    boolean mri() {
      return s.modality() == Modality.MRI_T1 || s.modality() == Modality.MRI_T2;
    }

    /** Image x-direction of the finding's patient side: +1 image right (patient left). */
    double sideSign() {
      return s.side() == Side.LEFT ? 1 : -1;
    }
  }

  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static Canvas renderScan(ScanSpec s) {
    Ctx x = new Ctx(s);
    switch (s.anatomy()) {
      case CHEST -> chest(x);
      case BRAIN -> brain(x);
      case ABDOMEN -> {
        if (s.modality() == Modality.ULTRASOUND) {
          ultrasound(x);
        } else {
          abdomenCt(x);
        }
      }
      case SPINE -> spine(x);
      case KNEE -> knee(x);
    }
    if (s.arrow()) {
      arrow(x);
    }
    noise(x);
    x.c.blur();
    return x.c;
  }

  private static void noise(Ctx x) {
    Canvas c = x.c;
    switch (x.s.modality()) {
      case ULTRASOUND -> {
        c.speckle(x.noise, 3, MedicalRenderer::sector);
        c.gaussianNoise(x.noise, 0.01);
      }
      case CT -> c.gaussianNoise(x.noise, 0.02);
      case XRAY -> c.gaussianNoise(x.noise, 0.025);
      default -> c.gaussianNoise(x.noise, 0.03);
    }
  }

  private static void arrow(Ctx x) {
    double dir = x.fx < SIZE / 2.0 ? -1 : 1;
    double tipX = x.fx + dir * (x.s.lesionRadiusPx() + 3);
    double tipY = x.fy - (x.s.lesionRadiusPx() + 3);
    double tailX = clamp(tipX + dir * 14, 2, SIZE - 2);
    double tailY = clamp(tipY - 14, 2, SIZE - 2);
    x.c.line(tailX, tailY, tipX, tipY, 2.4, 1f);
    double ang = Math.atan2(tipY - tailY, tipX - tailX);
    for (double d : new double[] {0.5, -0.5}) {
      x.c.line(tipX, tipY, tipX - 6 * Math.cos(ang + d), tipY - 6 * Math.sin(ang + d), 2.4, 1f);
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** CT's circular field of view: black outside, dark grey air inside. */
  private static void ctFieldOfView(Ctx x) {
    x.c.fill(0f);
    x.c.ellipse(64, 64, 62, 62, 0, x.t(T.AIR));
  }

  // ---------------------------------------------------------------------------------------------
  // Chest

  private static void chest(Ctx x) {
    Canvas c = x.c;
    boolean ct = x.s.modality() == Modality.CT;
    double dx = x.j(2);
    double dy = x.j(2);
    double lungRy = ct ? 26 : 34 + x.j(2);
    double lungRx = ct ? 18 : 17 + x.j(1.5);
    // index 0: patient right lung (image left), 1: patient left lung (image right)
    x.gx[0] = 42 + dx;
    x.gx[1] = 86 + dx;
    x.gy[0] = x.gy[1] = 62 + dy;
    x.gx[2] = lungRx;
    x.gy[2] = lungRy;
    if (ct) {
      ctFieldOfView(x);
      c.ellipse(64 + dx, 66 + dy, 56, 42, 0, x.t(T.FAT));
      c.ellipse(64 + dx, 66 + dy, 52, 38, 0, x.t(T.SOFT));
      c.ellipse(x.gx[0], x.gy[0], lungRx, lungRy, 0.15, x.t(T.LUNG));
      c.ellipse(x.gx[1], x.gy[1], lungRx, lungRy, -0.15, x.t(T.LUNG));
      c.ellipse(68 + dx, 68 + dy, 12, 14, 0.3, x.t(T.ORGAN));
      c.ellipse(57 + dx, 50 + dy, 4.5, 4.5, 0, x.enh(x.t(T.SOFT), .92f)); // ascending aorta
      c.ellipse(64 + dx, 96 + dy, 7, 7, 0, x.t(T.BONE));
      c.ellipse(64 + dx, 104 + dy, 2.5, 2.5, 0, x.t(T.FLUID));
      c.rect(64 + dx, 29 + dy, 4, 2, 0, x.t(T.BONE));
      for (int k = 0; k < 8; k++) {
        double a = Math.PI * (0.25 + 0.5 * (k % 4) / 3.0) + (k < 4 ? 0 : Math.PI);
        c.ellipse(
            64 + dx + 48 * Math.cos(a + 0.6),
            66 + dy + 34 * Math.sin(a + 0.6),
            2,
            2,
            0,
            x.t(T.BONE));
      }
    } else {
      c.fill(x.t(T.BG));
      c.ellipse(64 + dx, 72 + dy, 58, 64, 0, x.t(T.SOFT));
      c.ellipse(x.gx[0], x.gy[0], lungRx, lungRy, -0.08, x.t(T.LUNG));
      c.ellipse(x.gx[1], x.gy[1], lungRx, lungRy, 0.08, x.t(T.LUNG));
      c.ellipse(70 + dx, 82 + dy, 18, 15, 0, x.t(T.SOFT));
      c.rect(64 + dx, 64, 5, 62, 0, new float[] {x.t(T.BONE)}, 0.45f);
      for (int k = 0; k < 6; k++) {
        double y = 32 + dy + k * 11;
        for (int sgn = -1; sgn <= 1; sgn += 2) {
          c.line(64 + dx + sgn * 7, y, 64 + dx + sgn * 42, y + 9, 2.2, new float[] {.7f}, 0.6f);
        }
      }
      c.line(30 + dx, 26 + dy, 58 + dx, 22 + dy, 3, x.t(T.BONE));
      c.line(98 + dx, 26 + dy, 70 + dx, 22 + dy, 3, x.t(T.BONE));
    }
    int lung = x.s.side() == Side.LEFT ? 1 : 0;
    double cx = x.gx[lung];
    double cy = x.gy[lung];
    double ry = x.gy[2];
    switch (x.s.finding()) {
      case NODULE -> {
        x.fx = cx + x.f(-5, 5);
        x.fy = cy + (x.s.level() == Level.UPPER ? -1 : 1) * (ry * 0.45 + x.f(-3, 3));
        c.ellipse(
            x.fx,
            x.fy,
            x.s.lesionRadiusPx(),
            x.s.lesionRadiusPx() * x.f(0.85, 1),
            x.f(0, 3),
            ct ? .5f : .62f);
      }
      case CALCIFICATION -> {
        x.fx = cx + x.f(-4, 4);
        x.fy =
            cy
                + (x.s.level() == Level.UPPER ? -1 : x.s.level() == Level.LOWER ? 1 : 0) * ry * 0.45
                + x.f(-3, 3);
        specks(x, 4);
      }
      case EFFUSION -> {
        // dependent fluid: lower part of the lung (CT: posterior), horizontal level
        double levelY = cy + ry * (ct ? 0.25 : 0.3) + x.f(-3, 3);
        double rx = x.gx[2];
        x.fx = cx;
        x.fy = levelY + 6;
        float v = ct ? x.t(T.FLUID) : .6f;
        c.paint(
            (px, py) -> {
              double u = (px - cx) / rx;
              double w = (py - cy) / ry;
              double inLung = (Math.sqrt(u * u + w * w) - 1) * Math.min(rx, ry);
              return Math.max(inLung, levelY - py);
            },
            cx - rx,
            levelY,
            cx + rx,
            cy + ry,
            new float[] {v},
            1f);
      }
      case FRACTURE -> {
        int k = 2 + x.find.nextInt(2);
        double sgn = x.sideSign();
        double t = x.f(0.5, 0.7);
        double y0 = 32 + (x.gy[0] - 62) + k * 11;
        x.fx = 64 + (x.gx[0] - 42) + sgn * (7 + 35 * t);
        x.fy = y0 + 9 * t;
        c.line(x.fx - 1.6, x.fy - 4, x.fx + 1.6, x.fy + 4, 2.6, x.t(T.LUNG) * 0.6f);
      }
      default -> {}
    }
  }

  /** 3 to n+2 bright specks around (fx, fy). */
  private static void specks(Ctx x, int n) {
    int count = 3 + x.find.nextInt(n);
    for (int i = 0; i < count; i++) {
      x.c.ellipse(
          x.fx + x.f(-4, 4), x.fy + x.f(-4, 4), x.f(1.3, 1.9), x.f(1.3, 1.9), 0, x.t(T.CALC));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Brain (axial)

  private static void brain(Ctx x) {
    Canvas c = x.c;
    boolean ct = x.s.modality() == Modality.CT;
    double dx = x.j(2);
    double dy = x.j(2);
    double sx = 1 + x.j(0.04);
    double cx = 64 + dx;
    double cy = 64 + dy;
    if (ct) {
      ctFieldOfView(x);
      c.ellipse(cx, cy, 49 * sx, 57, 0, x.t(T.SOFT));
    } else {
      c.fill(x.t(T.BG));
      c.ellipse(cx, cy, 50 * sx, 58, 0, x.t(T.FAT));
    }
    c.ellipse(cx, cy, 47 * sx, 55, 0, x.t(T.BONE));
    c.ellipse(cx, cy, 43 * sx, 51, 0, x.t(T.GM));
    c.ellipse(cx, cy, 33 * sx, 41, 0, x.t(T.WM));
    if (x.s.contrast()) {
      c.line(cx, cy - 50, cx, cy + 50, 2, .95f); // enhancing falx and sinus
    } else {
      c.line(cx, cy - 50, cx, cy + 50, 1, x.t(T.FLUID));
    }
    double vr = 12 + x.j(2);
    c.ellipse(cx - 6, cy - 4, 4, vr, 0.25, x.t(T.FLUID));
    c.ellipse(cx + 6, cy - 4, 4, vr, -0.25, x.t(T.FLUID));
    c.ellipse(cx - 9, cy + 14, 3, 5, -0.5, x.t(T.FLUID));
    c.ellipse(cx + 9, cy + 14, 3, 5, 0.5, x.t(T.FLUID));
    if (x.s.contrast()) { // enhancing choroid plexus
      c.ellipse(cx - 9, cy + 15, 1.6, 2.4, -0.5, .95f);
      c.ellipse(cx + 9, cy + 15, 1.6, 2.4, 0.5, .95f);
    }
    double sgn = x.sideSign();
    switch (x.s.finding()) {
      case NODULE -> {
        x.fx = cx + sgn * x.f(19, 24);
        x.fy = cy + (x.s.level() == Level.UPPER ? -1 : 1) * x.f(26, 30);
        float v =
            switch (x.s.modality()) {
              case CT -> .72f;
              case MRI_T1 -> .2f;
              default -> .9f;
            };
        double r = x.s.lesionRadiusPx();
        if (x.s.modality() == Modality.MRI_T2) {
          c.ellipse(x.fx, x.fy, r + 3, r + 2.5, 0, new float[] {.75f}, 0.6f); // oedema
        }
        c.ellipse(x.fx, x.fy, r, r * x.f(0.85, 1), x.f(0, 3), v);
      }
      case CALCIFICATION -> {
        x.fx = cx + sgn * x.f(18, 24);
        x.fy = cy + x.f(-12, 12);
        specks(x, 3);
      }
      case FRACTURE -> {
        double a = x.f(-0.4, 0.4);
        double ex = cx + sgn * 45 * sx * Math.cos(a);
        double ey = cy + 53 * Math.sin(a);
        x.fx = ex;
        x.fy = ey;
        double ox = sgn * Math.cos(a);
        double oy = Math.sin(a);
        c.line(ex - 4 * ox, ey - 4 * oy + 1.5, ex + 4 * ox, ey + 4 * oy - 1.5, 2.6, .1f);
      }
      default -> {}
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Abdomen

  private static void abdomenCt(Ctx x) {
    Canvas c = x.c;
    double dx = x.j(2);
    double dy = x.j(2);
    ctFieldOfView(x);
    c.ellipse(64 + dx, 66 + dy, 56, 42, 0, x.t(T.FAT));
    c.ellipse(64 + dx, 66 + dy, 50, 37, 0, x.t(T.SOFT));
    double lx = 44 + dx + x.j(2);
    double ly = 58 + dy;
    c.ellipse(lx, ly, 24, 20, 0.2, x.enh(.56f, .7f));
    c.ellipse(90 + dx, 58 + dy, 10, 13, 0.2, x.t(T.ORGAN));
    x.gx[0] = 44 + dx; // patient right kidney (image left)
    x.gx[1] = 84 + dx;
    x.gy[0] = x.gy[1] = 84 + dy;
    c.ellipse(x.gx[0], x.gy[0], 7, 10, 0.3, x.enh(.6f, .72f));
    c.ellipse(x.gx[1], x.gy[1], 7, 10, -0.3, x.enh(.6f, .72f));
    c.ellipse(64 + dx, 94 + dy, 7, 7, 0, x.t(T.BONE));
    c.ellipse(64 + dx, 80 + dy, 4, 4, 0, x.enh(.62f, .93f)); // aorta
    for (int k = 0; k < 4; k++) {
      c.ellipse(58 + dx + x.j(12), 66 + dy + x.j(6), 4 + x.j(1), 3 + x.j(1), 0, x.t(T.AIR));
    }
    switch (x.s.finding()) {
      case NODULE -> {
        x.fx = lx + x.f(-6, 4);
        x.fy = ly + x.f(-4, 4);
        double r = x.s.lesionRadiusPx();
        c.ellipse(x.fx, x.fy, r, r * x.f(0.85, 1), x.f(0, 3), .28f);
      }
      case CALCIFICATION -> {
        int k = x.s.side() == Side.LEFT ? 1 : 0;
        x.fx = x.gx[k] + x.f(-2, 2);
        x.fy = x.gy[k] + x.f(-3, 3);
        c.ellipse(x.fx, x.fy, 2.4, 2.2, 0, x.t(T.CALC));
      }
      case EFFUSION -> {
        // ascites: fluid rims around liver and spleen, inside the abdominal wall
        x.fx = lx - 24;
        x.fy = ly;
        float[] v = {x.t(T.FLUID)};
        double rim = x.amount(2.5, 8);
        c.paint(
            (px, py) -> {
              double u = (px - lx) / (24 + rim);
              double w = (py - ly) / (20 + rim);
              double outer = (Math.sqrt(u * u + w * w) - 1) * (20 + rim);
              double u2 = (px - lx) / 24;
              double w2 = (py - ly) / 20;
              double inner = (Math.sqrt(u2 * u2 + w2 * w2) - 1) * 20;
              return Math.max(outer, -inner);
            },
            lx - 34,
            ly - 30,
            lx + 34,
            ly + 30,
            v,
            1f);
        c.ellipse(100 + dx, 78 + dy, x.amount(3.5, 8), x.amount(6, 13), -0.3, v, 1f);
      }
      default -> {}
    }
  }

  private static final double SECTOR_COS = Math.cos(0.62);
  private static final double SECTOR_SIN = Math.sin(0.62);

  /** Ultrasound sector: apex (64, 4), radius 10..122, half angle 0.62 rad about straight down. */
  static double sector(double px, double py) {
    double vx = px - 64;
    double vy = py - 4;
    double r = Canvas.len(vx, vy);
    // signed distance to the nearer straight edge (a line through the apex at 0.62 rad)
    double edge = Math.abs(vx) * SECTOR_COS - vy * SECTOR_SIN;
    return Math.max(Math.max(r - 122, 10 - r), edge);
  }

  private static void ultrasound(Ctx x) {
    Canvas c = x.c;
    c.fill(0f);
    c.paint(MedicalRenderer::sector, 0, 0, SIZE, SIZE, new float[] {x.t(T.ORGAN)}, 1f);
    for (int k = 0; k < 2; k++) {
      double vx = 64 + x.j(30);
      double vy = 70 + x.j(20);
      c.ellipse(vx, vy, 2 + x.j(0.5), 9 + x.j(2), 0.8 + x.j(0.5), x.t(T.FLUID));
    }
    double gbx = 46 + x.j(4);
    double gby = 46 + x.j(4);
    c.ellipse(gbx, gby, 12, 7, 0.3, x.t(T.FLUID));
    // diaphragm: bright arc
    double dr = 108 + x.j(4);
    for (int i = 0; i < 12; i++) {
      double a0 = -0.55 + i * 0.1;
      double a1 = a0 + 0.1;
      c.line(
          64 + dr * Math.sin(a0),
          4 + dr * Math.cos(a0),
          64 + dr * Math.sin(a1),
          4 + dr * Math.cos(a1),
          2.5,
          .85f);
    }
    switch (x.s.finding()) {
      case NODULE -> {
        x.fx = 64 + x.f(-10, 22);
        x.fy = 72 + x.f(-6, 8);
        double r = x.s.lesionRadiusPx();
        c.ellipse(x.fx, x.fy, r, r * x.f(0.85, 1), x.f(0, 3), .12f);
      }
      case CALCIFICATION -> {
        // gallstone in the gallbladder with a posterior acoustic shadow down the beam
        x.fx = gbx + x.f(-4, 4);
        x.fy = gby + 2;
        double ax = x.fx - 64;
        double ay = x.fy - 4;
        double len = Canvas.len(ax, ay);
        double ex = 64 + ax / len * 121;
        double ey = 4 + ay / len * 121;
        c.line(x.fx, x.fy, ex, ey, 5, new float[] {.03f}, 0.9f);
        c.ellipse(x.fx, x.fy, 3, 2.6, 0, x.t(T.CALC));
      }
      case EFFUSION -> {
        x.fx = 86 + x.f(-4, 4);
        x.fy = 96 + x.f(-3, 3);
        c.ellipse(x.fx, x.fy, x.amount(10, 21), x.amount(3, 7.5), -0.35, x.t(T.FLUID));
      }
      default -> {}
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Spine: L1..L5 from top to bottom; frontal radiograph, sagittal CT/MRI (anterior left)

  private static double vertebraY(int v, double dy) {
    return 18 + dy + (v - 1) * 23;
  }

  private static void spine(Ctx x) {
    Canvas c = x.c;
    boolean xray = x.s.modality() == Modality.XRAY;
    double dx = x.j(2);
    double dy = x.j(2);
    double bx = (xray ? 64 : 56) + dx;
    c.fill(x.t(T.BG));
    if (xray) {
      c.rect(64 + dx, 64, 46, 70, 0, x.t(T.SOFT));
    } else {
      c.rect(64, 64, 70, 70, 0, x.t(T.SOFT));
      c.rect(122, 64, 8, 70, 0, x.t(T.FAT)); // posterior subcutaneous fat
      c.rect(8, 64, 10, 70, 0, x.t(T.ORGAN)); // anterior abdominal contents
      if (x.s.contrast()) {
        c.rect(bx - 23, 64, 2.5, 70, 0, .93f); // enhancing aorta
      }
      c.rect(bx + 24, 64, 5, 70, 0, x.t(T.FLUID)); // spinal canal (CSF)
      c.rect(bx + 24, 64, 2.2, 70, 0, x.mri() ? .45f : x.t(T.SOFT)); // cord
    }
    int broken = x.s.finding() == Finding.FRACTURE ? x.s.vertebra() : 0;
    for (int v = 1; v <= 5; v++) {
      double y = vertebraY(v, dy);
      double hh = v == broken ? 6.5 : 8.5;
      double hw = 15 + x.j(1);
      if (v < 5) {
        c.rect(
            bx,
            y + 11.5,
            hw - 1,
            2.5,
            0,
            x.mri() ? (x.s.modality() == Modality.MRI_T2 ? .75f : .4f) : x.t(T.SOFT));
      }
      c.rect(bx, y, hw, hh, 0, x.t(T.BONE));
      c.rect(bx, y, hw - 2, hh - 2, 0, x.t(T.MARROW));
      if (xray) {
        c.ellipse(bx - 9, y - 2, 3, 4, 0, .95f);
        c.ellipse(bx + 9, y - 2, 3, 4, 0, .95f);
        c.line(bx - 15, y - 2, bx - 26, y - 4, 3, .75f);
        c.line(bx + 15, y - 2, bx + 26, y - 4, 3, .75f);
      } else {
        c.rect(bx + 38, y + 3, 6, 3, 0.35, x.t(T.BONE));
      }
    }
    if (broken != 0) {
      double y = vertebraY(broken, dy);
      x.fx = bx;
      x.fy = y;
      double tilt = x.f(-2, 2);
      c.line(bx - 13, y - tilt, bx + 13, y + tilt, 2.6, xray ? .25f : .08f);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Knee: frontal radiograph / coronal MRI; femur above, tibia below, fibula on the image right

  private static void knee(Ctx x) {
    Canvas c = x.c;
    double dx = x.j(2);
    double dy = x.j(2);
    double cx = 64 + dx;
    double jy = 66 + dy; // centre of the joint space
    c.fill(x.t(T.BG));
    if (x.mri()) {
      c.rect(cx, 64, 42, 70, 0, x.t(T.FAT));
      c.rect(cx, 64, 36, 70, 0, x.t(T.SOFT));
    } else {
      c.rect(cx, 64, 40, 70, 0, x.t(T.SOFT));
    }
    for (int pass = 0; pass < 2; pass++) {
      float v = pass == 0 ? x.t(T.BONE) : x.t(T.MARROW);
      double in = pass == 0 ? 0 : 2;
      // femur: shaft, metaphysis, two condyles
      c.rect(cx, jy - 46, 12 - in, 30, 0, v);
      c.rect(cx, jy - 18, 22 - in, 8 - in, 0, v);
      c.ellipse(cx - 12, jy - 10, 12 - in, 7 - in, 0, v);
      c.ellipse(cx + 12, jy - 10, 12 - in, 7 - in, 0, v);
      // tibia: plateau and shaft; fibula
      c.rect(cx, jy + 10, 24 - in, 6 - in, 0, v);
      c.rect(cx - 2, jy + 40, 13 - in, 28, 0, v);
      c.rect(cx + 26, jy + 40, 3.5 - in / 2, 24, 0, v);
    }
    switch (x.s.finding()) {
      case FRACTURE -> {
        boolean femur = x.s.level() == Level.UPPER;
        double y = femur ? jy - x.f(32, 44) : jy + x.f(28, 40);
        double bxc = femur ? cx : cx - 2;
        double tilt = x.f(-4, 4);
        x.fx = bxc;
        x.fy = y;
        c.line(bxc - 13, y - tilt, bxc + 13, y + tilt, 2.8, x.mri() ? .06f : .3f);
      }
      case EFFUSION -> {
        // fluid in the widened joint space and distending the capsule on both sides
        float[] v = {x.mri() ? x.t(T.FLUID) : .5f};
        x.fx = cx + 30;
        x.fy = jy;
        double w = x.amount(4, 7.5);
        double h = x.amount(8, 16);
        c.rect(cx, jy - 1, 22, x.amount(1.6, 3), 0, v, 1f);
        c.ellipse(cx - 29, jy - 4, w, h, 0, v, 1f);
        c.ellipse(cx + 30, jy - 4, w, h, 0, v, 1f);
      }
      default -> {}
    }
  }
}
