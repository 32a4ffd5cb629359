package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingConfigTest {
  @TempDir Path tmp;

  @Test
  void defaultsAreTheStudysBestRun() {
    TrainingConfig c = TrainingConfig.defaults();
    assertEquals(64, c.batchSize());
    assertEquals(5e-5, c.learningRate());
    assertEquals(10, c.epochs());
    assertEquals(50_000, c.samplesPerEpoch());
    assertEquals(782, c.stepsPerEpoch());
    assertEquals("linear", c.schedule());
    assertEquals(5e-5, c.learningRateSchedule().at(0), 1e-15);
    assertEquals(0.0, c.learningRateSchedule().at(c.totalSteps()), 0);
    assertEquals(0.01, c.adam().weightDecay());
  }

  @Test
  void fileThenCommandLineOverride() throws Exception {
    Path f = tmp.resolve("run.json");
    Files.writeString(f, "{\"description\": \"x\", \"learning_rate\": 1e-4, \"batch_size\": 32}");
    TrainingConfig c = TrainingConfig.load(f);
    assertEquals(1e-4, c.learningRate());
    assertEquals(32, c.batchSize());
    c = c.setAll(Map.of("batch_size", "16"), "the command line");
    assertEquals(16, c.batchSize());
    assertEquals(1e-4, c.learningRate());

    Path p = tmp.resolve("run.properties");
    Files.writeString(p, "epochs = 3\nschedule=constant\n");
    TrainingConfig q = TrainingConfig.load(p);
    assertEquals(3, q.epochs());
    assertEquals(5e-5, q.learningRateSchedule().at(1000));
  }

  private String message(String json) throws Exception {
    Path f = tmp.resolve("c.json");
    Files.writeString(f, json);
    UserInputException e = assertThrows(UserInputException.class, () -> TrainingConfig.load(f));
    String m = e.getMessage();
    assertFalse(m.contains("\n"), m);
    assertTrue(m.endsWith("."), m);
    return m;
  }

  @Test
  void badFilesAreOneClearSentence() throws Exception {
    String unknown = message("{\"learning_rat\": 1e-4}");
    assertTrue(unknown.startsWith("Unknown key \"learning_rat\" in config file "), unknown);
    assertTrue(unknown.contains("learning_rate"), unknown);
    assertTrue(message("{\"batch_size\": 0}").contains("\"batch_size\" "), "batch 0");
    assertTrue(message("{\"batch_size\": 0}").contains("must be positive, got 0."));
    assertTrue(message("{\"learning_rate\": -1e-4}").contains("\"learning_rate\""));
    assertTrue(message("{\"learning_rate\": -1e-4}").contains("must be a positive number"));
    assertTrue(message("{\"epochs\": \"ten\"}").contains("must be an integer, got \"ten\""));
    assertTrue(message("{\"schedule\": \"step\"}").contains("linear, constant or cosine"));
    assertTrue(message("{\"logit_scale\": 5}").contains("must be at most ln 100 = 4.6052"));
    assertTrue(message("[1, 2]").contains("must hold one JSON object"));
    assertTrue(message("{\"epochs\": ").contains("is not valid JSON"));
    UserInputException missing =
        assertThrows(UserInputException.class, () -> TrainingConfig.load(tmp.resolve("none.json")));
    assertEquals(
        "The config file " + tmp.resolve("none.json") + " does not exist.", missing.getMessage());
  }

  @Test
  void jsonRoundTrip() throws Exception {
    TrainingConfig c = TrainingConfig.defaults().set("learning_rate", "1e-5", "t");
    assertEquals(c, TrainingConfig.fromJson(c.toJson(), "t"));
  }

  @Test
  void shippedConfigFilesAreValid() throws Exception {
    Path dir = Path.of("configs");
    assertTrue(Files.isDirectory(dir), "training/configs exists");
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".json")).toList()) {
        TrainingConfig.load(f);
      }
    }
  }
}
