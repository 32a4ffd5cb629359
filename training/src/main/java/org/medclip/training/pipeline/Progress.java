package org.medclip.training.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on the terminal: {@code epoch e/E step s/S loss l n samples/s ETA t}. On a TTY
 * one line is rewritten in place (carriage return, at most every 0.2 s); otherwise (logs, CI) plain
 * lines are printed every {@code intervalSeconds} and at the end of each epoch. The ETA covers the
 * whole run, from the mean pace of this process's steps so far.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean tty;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private long lastPrint = Long.MIN_VALUE / 2;
  private long samplesDone;
  private long stepsDone;
  private int lastWidth;

  /**
   * @param out where to print (null: nothing is printed)
   * @param tty whether {@code out} is a terminal
   * @param intervalSeconds seconds between plain lines
   */
  public Progress(PrintStream out, boolean tty, double intervalSeconds) {
    this.out = out;
    this.tty = tty;
    this.intervalNanos = (long) ((tty ? 0.2 : intervalSeconds) * 1e9);
  }

  /** Whether this JVM's standard output is a terminal. */
  public static boolean stdoutIsTerminal() {
    return System.console() != null && System.getenv("TERM") != null;
  }

  /**
   * Reports a finished step.
   *
   * @param epoch 1-based
   * @param epochs total epochs
   * @param step 1-based step within the epoch
   * @param steps steps per epoch
   * @param loss the step's loss
   * @param batch pairs in the step
   * @param stepsLeft steps left in the whole run
   */
  public void step(
      int epoch, int epochs, int step, int steps, double loss, int batch, long stepsLeft) {
    samplesDone += batch;
    stepsDone++;
    if (out == null) {
      return;
    }
    long now = System.nanoTime();
    boolean last = step == steps;
    if (!last && now - lastPrint < intervalNanos) {
      return;
    }
    lastPrint = now;
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double rate = samplesDone / seconds;
    double perStep = seconds / Math.max(1, stepsDone);
    String line =
        String.format(
            Locale.ROOT,
            "epoch %d/%d  step %d/%d  loss %.4f  %.1f samples/s  ETA %s",
            epoch,
            epochs,
            step,
            steps,
            loss,
            rate,
            duration(perStep * stepsLeft));
    if (tty) {
      String padded = line + " ".repeat(Math.max(0, lastWidth - line.length()));
      out.print("\r" + padded);
      lastWidth = line.length();
      if (last) {
        out.println();
        lastWidth = 0;
      }
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Prints a plain line (ending any in-place line first). */
  public void line(String text) {
    if (out == null) {
      return;
    }
    if (tty && lastWidth > 0) {
      out.println();
      lastWidth = 0;
    }
    out.println(text);
    out.flush();
  }

  /** {@code 1h02m03s}, {@code 4m05s} or {@code 6s}. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (h > 0) {
      return String.format(Locale.ROOT, "%dh%02dm%02ds", h, m, sec);
    }
    if (m > 0) {
      return String.format(Locale.ROOT, "%dm%02ds", m, sec);
    }
    return sec + "s";
  }
}
