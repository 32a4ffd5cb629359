package org.medclip.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.corpus.ImageRecord;
import org.medclip.clip.corpus.SplitManifest;
import picocli.CommandLine;

class DatacheckCommandTest {

  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cl = new CommandLine(new DatacheckCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void writesTheManifestOnceAndReportsAsMarkdownAndJson() throws Exception {
    Path root = tmp.resolve("corpus");
    SyntheticCorpusGenerator.generate(root, 5, 20, 6, 2, 2, false);
    Path json = tmp.resolve("report.json");
    assertEquals(
        0,
        cli()
            .execute(
                "--root", root.toString(), "--verify-images", "--report-json", json.toString()));
    assertTrue(out.toString().contains("| train | 18 |"), out.toString());
    Path manifest = root.resolve(SplitManifest.DEFAULT_FILE_NAME);
    List<ImageRecord> first = SplitManifest.read(manifest);
    assertEquals(28, first.size());
    assertEquals(2, new ObjectMapper().readTree(json.toFile()).at("/counts/validation").asInt());

    // a later run with another seed keeps the manifest, and so the split
    assertEquals(0, cli().execute("--root", root.toString(), "--seed", "7"));
    assertTrue(out.toString().contains("Kept the existing split manifest"), out.toString());
    assertEquals(first, SplitManifest.read(manifest));
    assertEquals(0, cli().execute("--root", root.toString(), "--seed", "7", "--rewrite-manifest"));
    assertTrue(!first.equals(SplitManifest.read(manifest)), "rewritten with the new seed");
  }

  @Test
  void unusableFolderIsOneSentenceAndExitCodeOne() throws Exception {
    Path missing = tmp.resolve("missing");
    assertEquals(1, cli().execute("--root", missing.toString()));
    assertEquals("Dataset folder " + missing + " does not exist.", err.toString().strip());
    assertEquals(2, cli().execute("--root", tmp.toString(), "--validation-fraction", "1.5"));
    assertTrue(Files.notExists(tmp.resolve(SplitManifest.DEFAULT_FILE_NAME)));
  }

  @Test
  void datagenRefusesCountsThatMakeAnUnreadableCorpus() {
    CommandLine cl = new CommandLine(new DatagenCommand());
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, cl.execute("--out", tmp.resolve("x").toString(), "--test", "0"));
    assertTrue(err.toString().contains("--test must be at least 1"), err.toString());
  }
}
