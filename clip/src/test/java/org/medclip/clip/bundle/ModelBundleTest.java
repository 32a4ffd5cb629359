package org.medclip.clip.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.clip.testing.TestBundles;

/** clip-model.json writing and reading, and every way a bundle directory can be refused. */
class ModelBundleTest {

  @TempDir Path dir;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void writtenBundleLoadsWithTheSameSpec() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    ModelBundle bundle = ModelBundle.load(dir);
    ModelSpec spec = bundle.spec();
    assertEquals(ModelSpec.FORMAT_VERSION, spec.formatVersion());
    assertEquals(TestBundles.DIM, spec.embeddingDim());
    assertEquals(TestBundles.IMAGE_SIZE, spec.imageSize());
    assertEquals(TestBundles.CONTEXT, spec.contextLength());
    assertEquals(spec.config().text().eosTokenId(), spec.specialTokens().eos());
    assertEquals("scratch", spec.provenance().baseModel());
    assertEquals(Map.of("seed", 1), spec.provenance().details());
    assertEquals(0.5, spec.evaluation().get("mrr@1"));
    assertEquals(dir.toAbsolutePath().normalize(), bundle.directory());
    // the JSON uses snake_case and HF config names
    ObjectNode tree = (ObjectNode) json.readTree(dir.resolve(ModelBundle.SPEC_FILE).toFile());
    assertEquals(1, tree.get("format_version").asInt());
    assertEquals(24, tree.get("config").get("projection_dim").asInt());
    assertEquals(32, tree.get("config").get("vision_config").get("image_size").asInt());
    assertTrue(tree.get("provenance").has("created_at"));
    // and reads back to an equal spec
    assertEquals(spec, ModelBundle.readSpec(dir, dir.resolve(ModelBundle.SPEC_FILE)));
    assertEquals(spec, json.readValue(ModelBundle.toJson(spec), ModelSpec.class));
  }

  @Test
  void vitB32SpecRoundTrips() throws IOException {
    ModelSpec spec =
        ModelSpec.of(
            "clip-vit-b32",
            "openai",
            ClipConfig.vitBasePatch32(),
            ModelSpec.Provenance.now("openai/clip-vit-base-patch32", "WIT-400M", "0.1.0", null),
            Map.of("imageclef2017", Map.of("mrr@1", 0.426)));
    assertEquals(512, spec.embeddingDim());
    assertEquals(224, spec.imageSize());
    assertEquals(77, spec.contextLength());
    assertEquals(new ModelSpec.SpecialTokens(49406, 49407, 1), spec.specialTokens());
    assertEquals(spec, json.readValue(ModelBundle.toJson(spec), ModelSpec.class));
  }

  @Test
  void missingFilesAreAllNamedWithTheDirectory() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    Files.delete(dir.resolve(ModelBundle.TEXT_ENCODER_FILE));
    Files.writeString(dir.resolve(ModelBundle.TOKENIZER_FILE), ""); // empty counts as missing
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir));
    assertTrue(e.getMessage().contains("text-encoder.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertTrue(
        e.getMessage().contains(dir.toAbsolutePath().normalize().toString()), e.getMessage());
    assertEquals(dir.toAbsolutePath().normalize(), e.directory());
  }

  @Test
  void missingDirectoryIsRefused() {
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir.resolve("nope")));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void unknownFormatVersionIsRefused() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    ObjectNode tree = editSpec(t -> t.put("format_version", 2));
    assertEquals(2, tree.get("format_version").asInt());
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir));
    assertTrue(e.getMessage().contains("format_version 2"), e.getMessage());
    assertTrue(e.getMessage().contains("clip-model.json"), e.getMessage());
    editSpec(t -> t.remove("format_version"));
    assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir));
  }

  @Test
  void dimensionInconsistentWithConfigIsRefused() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    editSpec(t -> t.put("embedding_dim", 512));
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir));
    assertTrue(e.getMessage().contains("embedding_dim 512"), e.getMessage());
    assertTrue(e.getMessage().contains("projection_dim 24"), e.getMessage());
  }

  @Test
  void imageSizeInconsistentWithVisionConfigIsRefused() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    editSpec(t -> t.put("image_size", 224));
    InvalidBundleException e =
        assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir));
    assertTrue(e.getMessage().contains("image_size 224"), e.getMessage());
  }

  @Test
  void contextLongerThanPositionsAndBadNormalisationAreRefused() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    editSpec(t -> t.put("context_length", 77));
    assertTrue(load().contains("context_length 77"));
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    editSpec(t -> t.putArray("image_std").add(0.2).add(0).add(0.2));
    assertTrue(load().contains("image_std"));
  }

  @Test
  void malformedJsonIsRefused() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    Files.writeString(dir.resolve(ModelBundle.SPEC_FILE), "{\"format_version\": 1,");
    assertTrue(load().contains("not valid JSON"));
  }

  @Test
  void tokenizerWithIdsBeyondTheVocabularyIsRefused() throws IOException {
    TestBundles.create(dir, TestBundles.Tokenizer.WORD_LEVEL, 1);
    // the CLIP BPE test tokenizer has 531 ids; the spec says the vocabulary is ~40
    Files.copy(
        ModelBundleTest.class.getResourceAsStream(
            "/org/medclip/clip/text/clip-bpe-tiny-tokenizer.json"),
        dir.resolve(ModelBundle.TOKENIZER_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String message = load();
    assertTrue(message.contains("tokenizer.json") && message.contains("vocab_size"), message);
  }

  private String load() {
    return assertThrows(InvalidBundleException.class, () -> ModelBundle.load(dir)).getMessage();
  }

  private ObjectNode editSpec(java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path file = dir.resolve(ModelBundle.SPEC_FILE);
    ObjectNode tree = (ObjectNode) json.readTree(file.toFile());
    edit.accept(tree);
    json.writeValue(file.toFile(), tree);
    return tree;
  }
}
