package org.medclip.clip.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The word-level tokenizer this project builds from captions, read back through ClipTokenizer. */
class TokenizerBuilderTest {

  static final List<String> CAPTIONS =
      List.of(
          "Chest X-ray: left lower lobe consolidation.",
          "CT of the chest, slice 12 of 40.",
          "Left lung, lower lobe; X-ray follow-up after 3 days.",
          "Micrograph (H&E) of lung tissue.");

  @TempDir Path dir;

  @Test
  void vocabularyIsOrderedByFrequencyThenAlphabetically() {
    TokenizerBuilder.Vocabulary v = new TokenizerBuilder().build(CAPTIONS);
    assertEquals("[PAD]", v.tokens().get(0));
    assertEquals("[UNK]", v.tokens().get(1));
    assertEquals(".", v.tokens().get(2));
    assertEquals("<|startoftext|>", v.tokens().get(v.size() - 2));
    assertEquals("<|endoftext|>", v.tokens().get(v.size() - 1));
    List<String> words = v.tokens().subList(2, v.size() - 2);
    for (int i = 1; i < words.size(); i++) {
      String a = words.get(i - 1);
      String b = words.get(i);
      long ca = count(a);
      long cb = count(b);
      assertTrue(ca > cb || (ca == cb && a.compareTo(b) < 0), a + " before " + b);
    }
    // deterministic: same counts give the same vocabulary, whatever the caption order
    List<String> reversed = new java.util.ArrayList<>(CAPTIONS);
    java.util.Collections.reverse(reversed);
    assertEquals(v, new TokenizerBuilder().build(reversed));
    assertEquals(v.toJsonString(), new TokenizerBuilder().build(CAPTIONS).toJsonString());
  }

  private static long count(String word) {
    return CAPTIONS.stream()
        .flatMap(c -> TokenizerBuilder.words(c).stream())
        .filter(word::equals)
        .count();
  }

  @Test
  void minFrequencyAndMaxSizeLimitTheVocabulary() {
    TokenizerBuilder.Vocabulary v2 = new TokenizerBuilder().minFrequency(2).build(CAPTIONS);
    assertTrue(v2.idOf("chest") > 0);
    assertEquals(-1, v2.idOf("micrograph"));
    TokenizerBuilder.Vocabulary v6 = new TokenizerBuilder().maxVocabSize(6).build(CAPTIONS);
    assertEquals(6, v6.size());
    assertEquals(
        List.of("[PAD]", "[UNK]", ".", "-", "<|startoftext|>", "<|endoftext|>"), v6.tokens());
  }

  @Test
  void writtenFileLoadsThroughClipTokenizerAndEncodesAsTheVocabularySays() throws IOException {
    Path file = dir.resolve("tokenizer.json");
    TokenizerBuilder.Vocabulary v = new TokenizerBuilder().write(CAPTIONS, file);
    assertTrue(Files.size(file) > 0);
    try (ClipTokenizer t = ClipTokenizer.load(file, 16, v.bosId(), v.eosId(), v.padId())) {
      // case folded, punctuation split, digits split
      assertArrayEquals(
          ids(v, "chest", "x", "-", "ray", ":", "left", "lung", "1", "2", "."),
          t.encode("CHEST X-Ray: Left LUNG 12."));
      // unknown words -> [UNK]
      assertArrayEquals(ids(v, "left", "[UNK]", "lung"), t.encode("left hilar lung"));
      // every counted word of every caption maps to its own id: Java counting == native splitting
      for (String caption : CAPTIONS) {
        long[] row = t.encode(caption);
        List<String> words = TokenizerBuilder.words(caption);
        for (int i = 0; i < Math.min(words.size(), 14); i++) {
          assertEquals(v.idOf(words.get(i)), row[i + 1], caption + " word " + words.get(i));
        }
      }
      assertArrayEquals(new long[] {v.bosId(), v.eosId()}, t.encode(""));
      long[] mixed = t.encode("Röntgen Thorax 胸部 X線 ← ✓");
      assertEquals(v.bosId(), mixed[0]);
      assertEquals(v.eosId(), mixed[mixed.length - 1]);
      for (int i = 1; i < mixed.length - 1; i++) {
        assertEquals(v.unkId(), mixed[i]);
      }
      // digits are split also inside words
      assertArrayEquals(ids(v, "[UNK]", "1", "2", "[UNK]"), t.encode("abc12mm"));
      // start and end are the highest ids (argmax pooling finds the end token)
      assertNotEquals(-1, v.idOf("lung"));
      assertTrue(v.eosId() > v.bosId() && v.bosId() > v.idOf("lung"));
    }
  }

  @Test
  void wordsMirrorsThePreTokenizer() {
    assertEquals(
        List.of("x", "-", "ray", "(", "h", "&", "e", ")", "1", "2", "mm", ".", ".", "."),
        TokenizerBuilder.words("X-ray (H&E) 12mm..."));
  }

  private static long[] ids(TokenizerBuilder.Vocabulary v, String... words) {
    long[] out = new long[words.length + 2];
    out[0] = v.bosId();
    for (int i = 0; i < words.length; i++) {
      out[i + 1] = v.idOf(words[i]);
      assertTrue(out[i + 1] >= 0, words[i]);
    }
    out[out.length - 1] = v.eosId();
    return out;
  }
}
