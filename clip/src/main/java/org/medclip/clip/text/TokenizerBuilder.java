package org.medclip.clip.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a word-level vocabulary from captions and writes it as a Hugging Face {@code
 * tokenizer.json}, for the small models this project trains itself. The file is read back through
 * {@link ClipTokenizer} like any other tokenizer.
 *
 * <p>The written tokenizer: normalizer {@code Sequence[NFC, Lowercase]}; pre-tokenizer {@code
 * Sequence[Whitespace, Punctuation(Isolated), Digits(individual_digits=true)]} (words, each
 * punctuation character alone, each digit alone); model {@code WordLevel} with unknown token {@code
 * [UNK]}; post-processor {@code TemplateProcessing} {@code <|startoftext|> $A <|endoftext|>}.
 *
 * <p>Ids: {@code [PAD]} = 0, {@code [UNK]} = 1, words from 2 in order of falling frequency (ties
 * broken by ascending {@link String#compareTo} order), then {@code <|startoftext|>} = size - 2 and
 * {@code <|endoftext|>} = size - 1. Start and end are the two highest ids, as in OpenAI's CLIP, so
 * a text graph that pools at {@code argmax(input_ids)} finds the end token too. Building is
 * deterministic: the same captions give the same file.
 *
 * <p>Counting uses a Java mirror of the normalizer and pre-tokenizer ({@link #words(String)});
 * where Java's and Rust's Unicode tables differ in rare characters, a word may get an entry the
 * native tokenizer never produces, which costs one vocabulary slot and nothing else.
 */
public final class TokenizerBuilder {

  /** Padding token, id 0. */
  public static final String PAD = "[PAD]";

  /** Unknown-word token, id 1. */
  public static final String UNK = "[UNK]";

  /** Start token, id {@code size - 2}. */
  public static final String BOS = "<|startoftext|>";

  /** End token, id {@code size - 1}. */
  public static final String EOS = "<|endoftext|>";

  private static final Pattern WHITESPACE_WORDS =
      Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private int minFrequency = 1;
  private int maxVocabSize = 30_000;

  /** Words seen fewer times than this are left out (become {@code [UNK]}); default 1. */
  public TokenizerBuilder minFrequency(int minFrequency) {
    if (minFrequency < 1) {
      throw new IllegalArgumentException("minFrequency must be >= 1, got " + minFrequency);
    }
    this.minFrequency = minFrequency;
    return this;
  }

  /** Largest vocabulary, the four special tokens included; default 30,000. */
  public TokenizerBuilder maxVocabSize(int maxVocabSize) {
    if (maxVocabSize < 5) {
      throw new IllegalArgumentException("maxVocabSize must be >= 5, got " + maxVocabSize);
    }
    this.maxVocabSize = maxVocabSize;
    return this;
  }

  /**
   * Counts the words of the captions and picks the vocabulary.
   *
   * @param captions the captions (null entries are skipped)
   * @return the vocabulary
   */
  public Vocabulary build(Iterable<String> captions) {
    Objects.requireNonNull(captions, "captions is null");
    Map<String, Integer> counts = new HashMap<>();
    for (String caption : captions) {
      if (caption != null) {
        for (String w : words(caption)) {
          counts.merge(w, 1, Integer::sum);
        }
      }
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.removeIf(
        e ->
            e.getValue() < minFrequency
                || e.getKey().equals(PAD)
                || e.getKey().equals(UNK)
                || e.getKey().equals(BOS)
                || e.getKey().equals(EOS));
    entries.sort(
        Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    int wordSlots = Math.min(entries.size(), maxVocabSize - 4);
    List<String> tokens = new ArrayList<>(wordSlots + 4);
    tokens.add(PAD);
    tokens.add(UNK);
    for (int i = 0; i < wordSlots; i++) {
      tokens.add(entries.get(i).getKey());
    }
    tokens.add(BOS);
    tokens.add(EOS);
    return new Vocabulary(tokens);
  }

  /**
   * Builds the vocabulary and writes {@code tokenizer.json}.
   *
   * @param captions the captions
   * @param tokenizerJson target file
   * @return the vocabulary written
   * @throws IOException when writing fails
   */
  public Vocabulary write(Iterable<String> captions, Path tokenizerJson) throws IOException {
    Vocabulary vocabulary = build(captions);
    vocabulary.write(tokenizerJson);
    return vocabulary;
  }

  /**
   * The words a caption is counted as: NFC, lower-cased, split into runs of word characters and of
   * other non-space characters, then every punctuation character and every digit on its own.
   * Mirrors the written tokenizer's normalizer and pre-tokenizer.
   *
   * @param text a caption
   * @return its words in order
   */
  public static List<String> words(String text) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    Matcher m = WHITESPACE_WORDS.matcher(normalized);
    StringBuilder run = new StringBuilder();
    while (m.find()) {
      String piece = m.group();
      run.setLength(0);
      for (int i = 0; i < piece.length(); ) {
        int cp = piece.codePointAt(i);
        i += Character.charCount(cp);
        if (isPunctuation(cp) || isNumeric(cp)) {
          if (run.length() > 0) {
            out.add(run.toString());
            run.setLength(0);
          }
          out.add(new String(Character.toChars(cp)));
        } else {
          run.appendCodePoint(cp);
        }
      }
      if (run.length() > 0) {
        out.add(run.toString());
      }
    }
    return out;
  }

  /** HF {@code Punctuation}: ASCII punctuation or Unicode category P*. */
  private static boolean isPunctuation(int cp) {
    if (cp < 128) {
      return cp > 32 && cp < 127 && !Character.isLetterOrDigit(cp);
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION ->
          true;
      default -> false;
    };
  }

  /** HF {@code Digits}: Rust {@code char::is_numeric}, categories Nd, Nl, No. */
  private static boolean isNumeric(int cp) {
    return switch (Character.getType(cp)) {
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
      default -> false;
    };
  }

  /**
   * A word-level vocabulary: token {@code i} has id {@code i}.
   *
   * @param tokens all tokens, {@code [PAD], [UNK], words..., <|startoftext|>, <|endoftext|>}
   */
  public record Vocabulary(List<String> tokens) {

    public Vocabulary {
      tokens = List.copyOf(tokens);
      if (tokens.size() < 4
          || !tokens.get(0).equals(PAD)
          || !tokens.get(1).equals(UNK)
          || !tokens.get(tokens.size() - 2).equals(BOS)
          || !tokens.get(tokens.size() - 1).equals(EOS)) {
        throw new IllegalArgumentException("vocabulary must be [PAD], [UNK], words..., BOS, EOS");
      }
    }

    /** Number of ids (the text encoder's {@code vocab_size}). */
    public int size() {
      return tokens.size();
    }

    /** Id of {@code [PAD]}: 0. */
    public int padId() {
      return 0;
    }

    /** Id of {@code [UNK]}: 1. */
    public int unkId() {
      return 1;
    }

    /** Id of {@code <|startoftext|>}: size - 2. */
    public int bosId() {
      return tokens.size() - 2;
    }

    /** Id of {@code <|endoftext|>}: size - 1. */
    public int eosId() {
      return tokens.size() - 1;
    }

    /** Id of a token, or -1. */
    public int idOf(String token) {
      return tokens.indexOf(token);
    }

    /** The Hugging Face {@code tokenizer.json} document. */
    public ObjectNode toTokenizerJson() {
      JsonNodeFactory f = JsonNodeFactory.instance;
      ObjectNode root = f.objectNode();
      root.put("version", "1.0");
      root.putNull("truncation");
      root.putNull("padding");
      ArrayNode added = root.putArray("added_tokens");
      for (int id : new int[] {padId(), unkId(), bosId(), eosId()}) {
        added
            .addObject()
            .put("id", id)
            .put("content", tokens.get(id))
            .put("single_word", false)
            .put("lstrip", false)
            .put("rstrip", false)
            .put("normalized", false)
            .put("special", true);
      }
      ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
      ArrayNode norms = normalizer.putArray("normalizers");
      norms.addObject().put("type", "NFC");
      norms.addObject().put("type", "Lowercase");
      ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
      ArrayNode pres = pre.putArray("pretokenizers");
      pres.addObject().put("type", "Whitespace");
      pres.addObject().put("type", "Punctuation").put("behavior", "Isolated");
      pres.addObject().put("type", "Digits").put("individual_digits", true);
      ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
      ArrayNode single = post.putArray("single");
      special(single, BOS, 0);
      sequence(single, "A", 0);
      special(single, EOS, 0);
      ArrayNode pair = post.putArray("pair");
      special(pair, BOS, 0);
      sequence(pair, "A", 0);
      special(pair, EOS, 0);
      sequence(pair, "B", 1);
      special(pair, EOS, 1);
      ObjectNode specials = post.putObject("special_tokens");
      for (int id : new int[] {bosId(), eosId()}) {
        ObjectNode s = specials.putObject(tokens.get(id));
        s.put("id", tokens.get(id));
        s.putArray("ids").add(id);
        s.putArray("tokens").add(tokens.get(id));
      }
      root.putNull("decoder");
      ObjectNode model = root.putObject("model").put("type", "WordLevel");
      ObjectNode vocab = model.putObject("vocab");
      for (int i = 0; i < tokens.size(); i++) {
        vocab.put(tokens.get(i), i);
      }
      model.put("unk_token", UNK);
      return root;
    }

    /**
     * Writes {@code tokenizer.json}.
     *
     * @param tokenizerJson target file
     * @throws IOException when writing fails
     */
    public void write(Path tokenizerJson) throws IOException {
      Path parent = tokenizerJson.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      JSON.writeValue(tokenizerJson.toFile(), toTokenizerJson());
    }

    /** The tokenizer.json text. */
    public String toJsonString() {
      try {
        return JSON.writeValueAsString(toTokenizerJson());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void special(ArrayNode parts, String token, int typeId) {
      parts.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode parts, String id, int typeId) {
      parts.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }
  }
}
