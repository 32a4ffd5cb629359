package org.medclip.training.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.data.GeneralDomainGenerator;

class StartModelTest {
  @TempDir Path tmp;

  @Test
  void scratchVocabularyCanIncludeASecondDomainsCaptions() throws Exception {
    Path general = tmp.resolve("general");
    GeneralDomainGenerator.generate(general, 1, 20, 4, 0, 1, false);
    Path medical = TinyCorpus.generate(tmp);
    Corpus corpus = Corpus.open(general, null, 42);
    TrainingConfig c = TinyCorpus.config();
    String plain =
        Files.readString(
            StartModel.fromScratch("tiny", corpus, c, tmp.resolve("a.json")).tokenizerJson());
    StartModel both =
        StartModel.fromScratch(
            "tiny",
            corpus,
            c.set("vocab_extra_data", medical.toString(), "test"),
            tmp.resolve("b.json"));
    String extended = Files.readString(both.tokenizerJson());
    assertTrue(extended.length() > plain.length());
    ClipConfig cc = both.config();
    assertEquals(cc.text().vocabSize() - 2, cc.text().bosTokenId());
    assertEquals(cc.text().vocabSize() - 1, cc.text().eosTokenId());
    assertEquals(32, cc.vision().imageSize());
  }

  @Test
  void scratchSizesCanBeOverridden() throws Exception {
    TrainingConfig c =
        TrainingConfig.defaults()
            .setAll(
                java.util.Map.of(
                    "hidden_size", "64", "num_layers", "1", "image_size", "48", "patch_size", "16"),
                "test");
    ClipConfig cc = StartModel.resize(StartModel.architecture("demo", 50), c);
    assertEquals(64, cc.text().hiddenSize());
    assertEquals(64, cc.vision().hiddenSize());
    assertEquals(256, cc.vision().intermediateSize());
    assertEquals(1, cc.text().numLayers());
    assertEquals(48, cc.vision().imageSize());
    assertEquals(16, cc.vision().patchSize());
    assertEquals(64, cc.projectionDim());
    assertEquals(64 % cc.vision().numHeads(), 0);
    assertEquals(48, ClipConfig.demo(50).text().bosTokenId());
    UserInputException bad =
        assertThrows(
            UserInputException.class,
            () ->
                TrainingConfig.defaults()
                    .setAll(java.util.Map.of("image_size", "50", "patch_size", "8"), "test"));
    assertTrue(bad.getMessage().contains("divisible by patch_size 8"), bad.getMessage());

    assertEquals(32, cc.text().maxPositions(), "context kept when not overridden");
    ClipConfig longer =
        StartModel.resize(
            StartModel.architecture("demo", 50),
            TrainingConfig.defaults().setAll(java.util.Map.of("context_length", "64"), "test"));
    assertEquals(64, longer.text().maxPositions());
    assertEquals(ClipConfig.demo(50).vision(), longer.vision());
    ClipConfig slim =
        StartModel.resize(
            StartModel.architecture("demo", 50),
            TrainingConfig.defaults().setAll(java.util.Map.of("intermediate_size", "96"), "test"));
    assertEquals(96, slim.text().intermediateSize());
    assertEquals(96, slim.vision().intermediateSize());
    assertEquals(ClipConfig.demo(50).text().hiddenSize(), slim.text().hiddenSize());
    ClipConfig wideSlim =
        StartModel.resize(
            StartModel.architecture("demo", 50),
            TrainingConfig.defaults()
                .setAll(java.util.Map.of("hidden_size", "64", "intermediate_size", "128"), "test"));
    assertEquals(128, wideSlim.vision().intermediateSize(), "an explicit MLP width beats 4x");
    UserInputException negative =
        assertThrows(
            UserInputException.class,
            () ->
                TrainingConfig.defaults()
                    .setAll(java.util.Map.of("intermediate_size", "-1"), "test"));
    assertTrue(negative.getMessage().contains("intermediate_size"), negative.getMessage());
    UserInputException one =
        assertThrows(
            UserInputException.class,
            () ->
                TrainingConfig.defaults().setAll(java.util.Map.of("context_length", "1"), "test"));
    assertTrue(one.getMessage().contains("context_length"), one.getMessage());
  }

  @Test
  void unusableStartModelsAreOneSentence() throws Exception {
    UserInputException missing =
        assertThrows(UserInputException.class, () -> StartModel.resolve(tmp.resolve("x")));
    assertEquals("The start model " + tmp.resolve("x") + " does not exist.", missing.getMessage());
    Path bundle = Files.createDirectories(tmp.resolve("bundle"));
    Files.writeString(bundle.resolve("clip-model.json"), "{}");
    assertTrue(
        assertThrows(UserInputException.class, () -> StartModel.resolve(bundle))
            .getMessage()
            .startsWith("The model bundle "));
    Path hf = Files.createDirectories(tmp.resolve("hf"));
    Files.writeString(hf.resolve("config.json"), "{}");
    Files.writeString(hf.resolve("model.safetensors"), "");
    assertTrue(
        assertThrows(UserInputException.class, () -> StartModel.resolve(hf))
            .getMessage()
            .contains("has no tokenizer.json"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    assertTrue(
        assertThrows(UserInputException.class, () -> StartModel.resolve(other))
            .getMessage()
            .contains("is neither a model bundle"));
  }
}
