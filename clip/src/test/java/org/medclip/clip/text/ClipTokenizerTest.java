package org.medclip.clip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLIP byte-level BPE path: a hand-made tokenizer.json with the structure of HF's
 * openai/clip-vit-base-patch32 file (NFC + whitespace + lowercase normalizer, CLIP's Split regex +
 * ByteLevel, BPE with {@code </w>}, RobertaProcessing with start/end tokens as the two highest ids)
 * and a 531-token vocabulary: 256 byte symbols, the same with {@code </w>}, 17 merges, 2 specials.
 */
class ClipTokenizerTest {

  static final String RESOURCE = "clip-bpe-tiny-tokenizer.json";
  static final int BOS = 529;
  static final int EOS = 530;
  static final int CONTEXT = 16;

  @TempDir static Path dir;
  static Path file;
  static JsonNode vocab;
  static ClipTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    file = dir.resolve("tokenizer.json");
    try (InputStream in = ClipTokenizerTest.class.getResourceAsStream(RESOURCE)) {
      Files.copy(in, file);
    }
    vocab = new ObjectMapper().readTree(file.toFile()).get("model").get("vocab");
    // pad with EOS as HF's CLIPTokenizer does
    tokenizer = ClipTokenizer.load(file, CONTEXT, BOS, EOS, EOS);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  static long id(String token) {
    JsonNode n = vocab.get(token);
    if (n == null) {
      throw new IllegalArgumentException("not in vocab: " + token);
    }
    return n.asLong();
  }

  static long[] ids(String... tokens) {
    long[] out = new long[tokens.length + 2];
    out[0] = BOS;
    for (int i = 0; i < tokens.length; i++) {
      out[i + 1] = id(tokens[i]);
    }
    out[out.length - 1] = EOS;
    return out;
  }

  @Test
  void encodesWithMergesSuffixAndLowercaseWithoutDoublingSpecials() {
    assertArrayEquals(
        ids("chest</w>", "x</w>", "-</w>", "ray</w>"), tokenizer.encode("Chest  X-RAY"));
    assertArrayEquals(ids("the</w>", "left</w>", "lung</w>"), tokenizer.encode("the left lung"));
    // unmerged word: byte symbols, the last with </w>
    assertArrayEquals(ids("z", "a", "p</w>"), tokenizer.encode("zap"));
    assertArrayEquals(ids("lun", "a</w>"), tokenizer.encode("luna"));
    // CLIP's regex: each digit is its own word
    assertArrayEquals(ids("1</w>", "2</w>"), tokenizer.encode("12"));
  }

  @Test
  void postProcessorAgreesWithSpecIdsAndIsNotAppliedTwice() throws IOException {
    // The file's RobertaProcessing adds [529, 530]; a tokenizer told other ids is refused.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ClipTokenizer.load(file, 16, 1, 2, 0));
    assertTrue(e.getMessage().contains("[529, 530]"), e.getMessage());
    long[] row = tokenizer.encode("chest");
    assertEquals(1, LongStream.of(row).filter(v -> v == BOS).count());
    assertEquals(1, LongStream.of(row).filter(v -> v == EOS).count());
  }

  @Test
  void emptyAndBlankTextGiveBosEos() {
    assertArrayEquals(new long[] {BOS, EOS}, tokenizer.encode(""));
    assertArrayEquals(new long[] {BOS, EOS}, tokenizer.encode(" \t\n "));
  }

  @Test
  void longTextIsTruncatedWithEosKept() {
    String text = "chest ".repeat(100);
    long[] row = tokenizer.encode(text);
    assertEquals(CONTEXT, row.length);
    assertEquals(BOS, row[0]);
    assertEquals(EOS, row[CONTEXT - 1]);
    for (int i = 1; i < CONTEXT - 1; i++) {
      assertEquals(id("chest</w>"), row[i]);
    }
  }

  @Test
  void hugeTextIsCutCheaplyAndGivesTheSameIds() {
    String text = "left lung ".repeat(200_000); // 2,000,000 chars
    long[] row = tokenizer.encode(text);
    assertEquals(CONTEXT, row.length);
    assertArrayEquals(tokenizer.encode("left lung ".repeat(10)), row);
    // one giant word: no whitespace to cut at, still defined
    long[] giant = tokenizer.encode("x".repeat(50_000));
    assertEquals(CONTEXT, giant.length);
    assertEquals(EOS, giant[CONTEXT - 1]);
  }

  @Test
  void nonAsciiAndMixedScriptBecomeByteLevelTokens() {
    long[] row = tokenizer.encode("Röntgen Thorax 胸部 X線 ← ✓");
    assertEquals(CONTEXT, row.length); // 33 byte tokens, truncated
    assertEquals(BOS, row[0]);
    assertEquals(EOS, row[CONTEXT - 1]);
    // "胸" is 3 UTF-8 bytes; as a one-word text: 2 byte symbols + 1 with </w>
    assertEquals(5, tokenizer.encode("胸").length);
    assertTrue(LongStream.of(row).allMatch(v -> v >= 0 && v <= EOS));
    // unpaired surrogate: replaced before the native call
    assertEquals(BOS, tokenizer.encode("a\uD800b")[0]);
    assertEquals(BOS, tokenizer.encode("\uDC00")[0]);
    // emoji (a valid surrogate pair) and NUL
    assertEquals(
        EOS, tokenizer.encode("✓ 🫁 lung\u0000")[tokenizer.encode("✓ 🫁 lung\u0000").length - 1]);
  }

  @Test
  void typedSpecialTokensDoNotEndTheTextEarly() {
    long[] row = tokenizer.encode("left <|endoftext|> lung <|startoftext|>");
    assertArrayEquals(ids("left</w>", "lung</w>"), row);
  }

  @Test
  void batchIsPaddedToLongestOrToContext() {
    List<String> texts = List.of("chest", "", "the left lung");
    TokenBatch longest = tokenizer.encodeBatch(texts);
    assertEquals(3, longest.rows());
    assertEquals(5, longest.length());
    assertArrayEquals(new int[] {3, 2, 5}, longest.lengths());
    assertArrayEquals(new long[] {BOS, id("chest</w>"), EOS, EOS, EOS}, longest.row(0));
    assertArrayEquals(new long[] {BOS, EOS, EOS, EOS, EOS}, longest.row(1));
    assertArrayEquals(tokenizer.encode("the left lung"), longest.row(2));

    TokenBatch fixed = tokenizer.encodeBatch(texts, ClipTokenizer.Padding.CONTEXT);
    assertEquals(CONTEXT, fixed.length());
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(longest.unpadded(i), fixed.unpadded(i));
    }
    assertEquals(2, tokenizer.encodeBatch(List.of()).length());
  }

  @Test
  void batchEqualsSingleEncodes() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      texts.add("chest ".repeat(i % 20) + "lung " + i);
    }
    TokenBatch batch = tokenizer.encodeBatch(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertArrayEquals(tokenizer.encode(texts.get(i)), batch.unpadded(i), texts.get(i));
    }
  }

  @Test
  void nullIsATypedError() {
    assertThrows(NullPointerException.class, () -> tokenizer.encode(null));
    NullPointerException e =
        assertThrows(
            NullPointerException.class, () -> tokenizer.encodeBatch(Arrays.asList("chest", null)));
    assertTrue(e.getMessage().contains("texts[1]"), e.getMessage());
  }

  @Test
  void missingOrBrokenFileIsAnIOException() throws IOException {
    assertThrows(
        IOException.class, () -> ClipTokenizer.load(dir.resolve("nope.json"), 16, BOS, EOS, EOS));
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"model\": 3");
    assertThrows(IOException.class, () -> ClipTokenizer.load(broken, 16, BOS, EOS, EOS));
  }
}
