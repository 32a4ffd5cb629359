package org.medclip.training.cli;

import java.io.PrintWriter;
import org.medclip.training.data.DatagenCommand;
import org.medclip.training.pipeline.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The training command line: {@code datagen}, {@code finetune}, {@code evaluate}, {@code compare}.
 *
 * <p>Exit codes: 0 success; 1 a failure while running (I/O, engine); 2 bad input (unknown option,
 * missing or unusable data folder, unusable start model, bad config value): one sentence on stderr,
 * always before any training starts. The DJL engine must run offline: launchers set {@code
 * DJL_OFFLINE=true} and {@code OPT_OUT_TRACKING=true} (this class sets the equivalent system
 * properties when they are unset).
 */
@Command(
    name = "medclip",
    mixinStandardHelpOptions = true,
    version = "medclip-training 0.1.0",
    description = "Fine-tune, evaluate and compare CLIP models for medical image search.",
    subcommands = {
      DatagenCommand.class,
      FinetuneCommand.class,
      EvaluateCommand.class,
      CompareCommand.class
    })
public final class MedclipCli implements Runnable {

  /** Exit code for bad input. */
  public static final int BAD_INPUT = 2;

  /** Exit code for a failure while running. */
  public static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command line.
   *
   * @return the exit code
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    offline();
    CommandLine cl = new CommandLine(new MedclipCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          Throwable t = e;
          if (t instanceof UserInputException) {
            commandLine.getErr().println(t.getMessage());
            commandLine.getErr().flush();
            return BAD_INPUT;
          }
          if (t instanceof CommandLine.ParameterException pe) {
            commandLine.getErr().println(pe.getMessage());
            commandLine.getErr().flush();
            return BAD_INPUT;
          }
          String m = t.getMessage() == null ? t.toString() : t.getMessage();
          commandLine.getErr().println(commandLine.getCommandName() + " failed: " + m);
          if (System.getenv("MEDCLIP_DEBUG") != null) {
            t.printStackTrace(commandLine.getErr());
          }
          commandLine.getErr().flush();
          return FAILED;
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          CommandLine c = ex.getCommandLine();
          String m = ex.getMessage() == null ? "Invalid command line" : ex.getMessage().strip();
          // One sentence, like every other bad-input message.
          c.getErr()
              .println(
                  (m.endsWith(".") ? m.substring(0, m.length() - 1) : m)
                      + " (see '"
                      + c.getCommandSpec().qualifiedName()
                      + " --help').");
          c.getErr().flush();
          return BAD_INPUT;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Sets DJL's offline switches as system properties unless already set. */
  static void offline() {
    for (String key : new String[] {"DJL_OFFLINE", "OPT_OUT_TRACKING"}) {
      if (System.getenv(key) == null && System.getProperty(key) == null) {
        System.setProperty(key, "true");
      }
    }
    if (System.getProperty("offline") == null) {
      System.setProperty("offline", "true");
    }
    System.setProperty("java.awt.headless", "true");
  }
}
