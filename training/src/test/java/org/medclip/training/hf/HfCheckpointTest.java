package org.medclip.training.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.ClipConfig;
import org.medclip.training.onnx.OnnxExporter;
import org.medclip.training.onnx.OrtRunner;
import org.medclip.training.onnx.TestWeights;
import org.medclip.training.onnx.TextPooling;
import org.medclip.training.weights.NamedTensor;
import org.medclip.training.weights.StateDict;

class HfCheckpointTest {
  static final ClipConfig TINY = ClipConfig.tiny();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void roundTripGivesTheSameConfigAndBitwiseWeights() throws Exception {
    StateDict sd = TestWeights.random(TINY, 5);
    HfCheckpoint.save(TINY, sd, dir);
    HfCheckpoint.Imported back = HfCheckpoint.load(dir);

    assertEquals(TINY, back.config());
    assertEquals(TextPooling.FIRST_EOS, back.textPooling());
    assertEquals(
        List.copyOf(HfKeys.expectedShapes(TINY).keySet()),
        List.copyOf(back.weights().asMap().keySet()));
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      NamedTensor b = back.weights().get(e.getKey());
      assertArrayEquals(e.getValue().shape(), b.shape(), e.getKey());
      assertArrayEquals(e.getValue().data(), b.data(), e.getKey());
    }

    // and the exported encoders compute the same numbers, bit for bit
    float[] px = TestWeights.pixels(TINY, 3, 1);
    long[][] ids = TestWeights.ids(TINY, 3, 10, 1);
    try (OrtRunner i1 = OrtRunner.of(OnnxExporter.imageEncoder(TINY, sd).toByteArray());
        OrtRunner i2 =
            OrtRunner.of(OnnxExporter.imageEncoder(back.config(), back.weights()).toByteArray());
        OrtRunner t1 =
            OrtRunner.of(OnnxExporter.textEncoder(TINY, sd, TextPooling.FIRST_EOS).toByteArray());
        OrtRunner t2 =
            OrtRunner.of(
                OnnxExporter.textEncoder(back.config(), back.weights(), back.textPooling())
                    .toByteArray())) {
      assertArrayEquals(i1.images(px, 3, 32), i2.images(px, 3, 32));
      assertArrayEquals(t1.texts(ids), t2.texts(ids));
    }
  }

  @Test
  void exportedDirectoryHasHfLayout() throws IOException {
    ClipConfig cfg = withEos(TINY, 98); // not the legacy id: no marker
    HfCheckpoint.save(cfg, TestWeights.random(cfg, 1), dir);
    try (var files = Files.list(dir)) {
      assertEquals(
          List.of("config.json", "model.safetensors"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    Path probe = Files.createFile(dir.resolve("probe"));
    assertEquals(
        Files.getPosixFilePermissions(probe),
        Files.getPosixFilePermissions(dir.resolve("model.safetensors")));
    Files.delete(probe);
    JsonNode c = JSON.readTree(dir.resolve("config.json").toFile());
    assertEquals("clip", c.get("model_type").asText());
    assertEquals("CLIPModel", c.get("architectures").get(0).asText());
    assertEquals("float32", c.get("torch_dtype").asText());
    assertEquals(24, c.get("projection_dim").asInt());
    assertEquals(2.6592, c.get("logit_scale_init_value").asDouble());
    assertFalse(c.has(HfCheckpoint.POOLING_MARKER));
    JsonNode t = c.get("text_config");
    assertEquals("clip_text_model", t.get("model_type").asText());
    assertEquals(99, t.get("vocab_size").asInt());
    assertEquals(98, t.get("eos_token_id").asInt());
    assertEquals("quick_gelu", t.get("hidden_act").asText());
    JsonNode v = c.get("vision_config");
    assertEquals("clip_vision_model", v.get("model_type").asText());
    assertEquals(8, v.get("patch_size").asInt());
    assertEquals(32, v.get("image_size").asInt());

    Safetensors.Header h = Safetensors.readHeader(dir.resolve("model.safetensors"));
    assertEquals(Map.of("format", "pt"), h.metadata());
    assertEquals(HfKeys.expectedShapes(cfg).size(), h.tensors().size());
    assertTrue(h.tensors().values().stream().allMatch(i -> i.dtype().equals("F32")));
    List<String> keys = List.copyOf(h.tensors().keySet());
    assertEquals(keys.stream().sorted().toList(), keys);

    HfCheckpoint.Imported back = HfCheckpoint.load(dir);
    assertEquals(cfg, back.config());
    assertEquals(TextPooling.FIRST_EOS, back.textPooling());
  }

  @Test
  void ourEos2IsMarkedSoItIsNotMistakenForHfsLegacyRule() throws IOException {
    HfCheckpoint.save(TINY, TestWeights.random(TINY, 1), dir);
    JsonNode c = JSON.readTree(dir.resolve("config.json").toFile());
    assertEquals("first_eos", c.get(HfCheckpoint.POOLING_MARKER).asText());
    assertEquals(2, c.get("text_config").get("eos_token_id").asInt());
  }

  @Test
  void legacyEos2ConfigPoolsAtArgmaxAndMapsEosToTheLargestId() throws IOException {
    JsonNode root =
        JSON.readTree(
            "{\"model_type\":\"clip\",\"projection_dim\":512,"
                + "\"text_config\":{\"bos_token_id\":0,\"eos_token_id\":2,\"pad_token_id\":1},"
                + "\"vision_config\":{}}");
    HfCheckpoint.ConfigMapping m = HfCheckpoint.mapConfig(root);
    assertEquals(TextPooling.ARGMAX_IDS, m.textPooling());
    assertEquals(49407, m.config().text().eosTokenId());
    assertEquals(0, m.config().text().bosTokenId());
    assertEquals(1, m.config().text().padTokenId());
  }

  @Test
  void absentFieldsTakeHfDefaults() throws IOException {
    HfCheckpoint.ConfigMapping m =
        HfCheckpoint.mapConfig(JSON.readTree("{\"model_type\":\"clip\"}"));
    assertEquals(ClipConfig.vitBasePatch32(), m.config());
    assertEquals(TextPooling.FIRST_EOS, m.textPooling());

    // legacy text_config_dict overrides text_config; nulls mean default
    JsonNode root =
        JSON.readTree(
            "{\"text_config\":{\"hidden_size\":256,\"num_attention_heads\":4,\"pad_token_id\":null},"
                + "\"text_config_dict\":{\"hidden_size\":128},\"vision_config\":null,"
                + "\"projection_dim\":64}");
    ClipConfig c = HfCheckpoint.mapConfig(root).config();
    assertEquals(128, c.text().hiddenSize());
    assertEquals(4, c.text().numHeads());
    assertEquals(1, c.text().padTokenId());
    assertEquals(768, c.vision().hiddenSize());
    assertEquals(64, c.projectionDim());
  }

  @Test
  void unsupportedConfigsAreRefused() throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"siglip\"}");
    IOException e =
        assertThrows(IOException.class, () -> HfCheckpoint.readConfig(dir.resolve("config.json")));
    assertTrue(e.getMessage().contains("siglip"), e.getMessage());

    Files.writeString(dir.resolve("config.json"), "{\"text_config\":{\"hidden_act\":\"relu\"}}");
    e = assertThrows(IOException.class, () -> HfCheckpoint.readConfig(dir.resolve("config.json")));
    assertTrue(e.getMessage().contains("relu"), e.getMessage());

    Files.writeString(dir.resolve("config.json"), "{not json");
    e = assertThrows(IOException.class, () -> HfCheckpoint.readConfig(dir.resolve("config.json")));
    assertTrue(e.getMessage().contains("cannot parse"), e.getMessage());
  }

  @Test
  void missingKeysAreListed() throws IOException {
    StateDict sd = TestWeights.random(TINY, 1);
    writeCheckpoint(without(sd, "logit_scale", "text_model.encoder.layers.1.mlp.fc1.bias"));
    String m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(m.contains("2 missing keys"), m);
    assertTrue(
        m.contains("logit_scale") && m.contains("text_model.encoder.layers.1.mlp.fc1.bias"), m);
  }

  @Test
  void unexpectedKeysAreListedAndPositionIdsIgnored() throws IOException {
    StateDict sd = TestWeights.random(TINY, 1);
    writeCheckpoint(sd);
    // add an int64 position_ids buffer the way older transformers saved it: still loads
    RawSafetensors raw = new RawSafetensors();
    for (Map.Entry<String, NamedTensor> e : sd.asMap().entrySet()) {
      raw.f32(e.getKey(), e.getValue().shape(), e.getValue().data());
    }
    raw.i64("text_model.embeddings.position_ids", new long[] {1, 4}, 0, 1, 2, 3);
    raw.write(dir.resolve("model.safetensors"));
    assertEquals(sd.size(), HfCheckpoint.load(dir).weights().size());

    raw.f32("clip.logit_bias", new long[0], 1f)
        .f32("text_model.pooler.weight", new long[] {2}, 1f, 2f);
    raw.write(dir.resolve("model.safetensors"));
    String m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(m.contains("2 unexpected keys"), m);
    assertTrue(m.contains("clip.logit_bias") && m.contains("text_model.pooler.weight"), m);
  }

  @Test
  void wrongShapeNamesKeyExpectedAndActual() throws IOException {
    StateDict sd =
        without(TestWeights.random(TINY, 1), "vision_model.embeddings.position_embedding.weight");
    sd.put(
        "vision_model.embeddings.position_embedding.weight",
        new NamedTensor(new long[] {16, 32}, new float[512]));
    writeCheckpoint(sd);
    String m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(
        m.contains(
            "vision_model.embeddings.position_embedding.weight expected [17, 32] but got [16, 32]"),
        m);
  }

  @Test
  void pickleOnlyDirectoryAsksForSafetensors() throws IOException {
    Files.writeString(
        dir.resolve("config.json"), JSON.writeValueAsString(HfCheckpoint.configJson(TINY)));
    Files.write(dir.resolve("pytorch_model.bin"), new byte[] {0x50, 0x4b});
    String m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(m.contains("pytorch_model.bin") && m.contains("safetensors is required"), m);
  }

  @Test
  void missingConfigOrWeightsIsReported() throws IOException {
    Safetensors.write(TestWeights.random(TINY, 1), dir.resolve("model.safetensors"));
    String m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(m.contains("no config.json"), m);

    Files.delete(dir.resolve("model.safetensors"));
    Files.writeString(
        dir.resolve("config.json"), JSON.writeValueAsString(HfCheckpoint.configJson(TINY)));
    m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(m.contains("no model.safetensors"), m);

    m =
        assertThrows(IOException.class, () -> HfCheckpoint.load(dir.resolve("absent")))
            .getMessage();
    assertTrue(m.contains("not a directory"), m);
  }

  @Test
  void corruptSafetensorsIsReported() throws IOException {
    Files.writeString(
        dir.resolve("config.json"), JSON.writeValueAsString(HfCheckpoint.configJson(TINY)));
    RawSafetensors.writeRaw(
        dir.resolve("model.safetensors"), "{\"logit_scale\":{\"dtype\":\"F32\"", new byte[4]);
    String m = assertThrows(IOException.class, () -> HfCheckpoint.load(dir)).getMessage();
    assertTrue(m.contains("corrupt safetensors header"), m);
  }

  @Test
  void shardedCheckpointsLoad() throws IOException {
    StateDict sd = TestWeights.random(TINY, 8);
    StateDict a = new StateDict();
    StateDict b = new StateDict();
    StringBuilder map = new StringBuilder();
    sd.asMap()
        .forEach(
            (k, v) -> {
              boolean first = k.startsWith("text");
              (first ? a : b).put(k, v);
              map.append(map.length() == 0 ? "" : ",")
                  .append('"')
                  .append(k)
                  .append("\":\"")
                  .append(
                      first
                          ? "model-00001-of-00002.safetensors"
                          : "model-00002-of-00002.safetensors")
                  .append('"');
            });
    Safetensors.write(a, dir.resolve("model-00001-of-00002.safetensors"));
    Safetensors.write(b, dir.resolve("model-00002-of-00002.safetensors"));
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{" + map + "}}");
    Files.writeString(
        dir.resolve("config.json"), JSON.writeValueAsString(HfCheckpoint.configJson(TINY)));
    HfCheckpoint.Imported back = HfCheckpoint.load(dir);
    assertEquals(sd.size(), back.weights().size());
    assertArrayEquals(sd.get("logit_scale").data(), back.weights().get("logit_scale").data());
  }

  @Test
  void saveRefusesMismatchedWeights() {
    StateDict sd = without(TestWeights.random(TINY, 1), "text_projection.weight");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.save(TINY, sd, dir));
    assertTrue(e.getMessage().contains("text_projection.weight"), e.getMessage());
  }

  private void writeCheckpoint(StateDict sd) throws IOException {
    Safetensors.write(sd, dir.resolve("model.safetensors"));
    Files.writeString(
        dir.resolve("config.json"), JSON.writeValueAsString(HfCheckpoint.configJson(TINY)));
  }

  static StateDict without(StateDict sd, String... keys) {
    List<String> drop = List.of(keys);
    StateDict out = new StateDict();
    sd.asMap()
        .forEach(
            (k, v) -> {
              if (!drop.contains(k)) {
                out.put(k, v);
              }
            });
    return out;
  }

  static ClipConfig withEos(ClipConfig c, int eos) {
    ClipConfig.TextConfig t = c.text();
    return new ClipConfig(
        new ClipConfig.TextConfig(
            t.vocabSize(),
            t.hiddenSize(),
            t.intermediateSize(),
            t.numLayers(),
            t.numHeads(),
            t.maxPositions(),
            t.hiddenAct(),
            t.layerNormEps(),
            t.bosTokenId(),
            eos,
            t.padTokenId()),
        c.vision(),
        c.projectionDim(),
        c.logitScaleInit());
  }
}
