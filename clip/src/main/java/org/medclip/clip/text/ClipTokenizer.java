package org.medclip.clip.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.medclip.clip.bundle.InvalidBundleException;
import org.medclip.clip.bundle.ModelBundle;
import org.medclip.clip.bundle.ModelSpec;

/**
 * Turns texts into the text encoder's {@code input_ids}: {@code bos, tokens..., eos, pad...}.
 *
 * <p>The Hugging Face {@code tokenizer.json} (loaded from a local file through DJL's JNI binding,
 * never from a hub) does normalisation, pre-tokenisation and the model (BPE, WordLevel, WordPiece,
 * ...). Special tokens are added here, from the ids of the model spec, not by the file's
 * post-processor: the file is encoded with {@code add_special_tokens=false}, so a CLIP
 * post-processor ({@code RobertaProcessing} with {@code <|startoftext|>}/{@code <|endoftext|>}) and
 * our own ({@code TemplateProcessing}) give the same rows and specials are never doubled. At load
 * time the post-processor, if any, is checked to add exactly {@code [bos, eos]} around an empty
 * text, so a tokenizer that disagrees with the spec is refused.
 *
 * <p>Rules, for every input: at most {@code contextLength - 2} text tokens are kept (the start of
 * the text), then {@code eos} is always the last real token, so the encoder always sees it; bos and
 * eos ids produced by the text itself (a user typing {@code <|endoftext|>}, or CLIP's unknown token
 * which is {@code <|endoftext|>}) are dropped, so {@code eos} occurs exactly once per row; an empty
 * or blank text gives {@code [bos, eos]}; unknown words give the tokenizer's unknown token
 * (WordLevel) or byte-level tokens (CLIP BPE); unpaired UTF-16 surrogates are replaced by U+FFFD
 * before the native call; a {@code null} text is a {@link NullPointerException} naming its index.
 *
 * <p>Offline: only local files are read; loading this class sets the system property {@code
 * OPT_OUT_TRACKING=true} when neither it nor the environment variable is set, so DJL never probes
 * the network.
 *
 * <p>Thread-safe: the native tokenizer is immutable after construction. Close it to free native
 * memory; it must not be in use by another thread then.
 */
public final class ClipTokenizer implements AutoCloseable {

  /** How a batch is padded. */
  public enum Padding {
    /** To the longest row of the batch (fewest ids to run). */
    LONGEST,
    /** To the context length (fixed-shape tensors). */
    CONTEXT
  }

  /** Texts longer than this many chars per context slot are first cut at a whitespace. */
  private static final int CHARS_PER_SLOT = 64;

  private static final int MIN_CHAR_CAP = 1024;

  static {
    // DJL's tokenizer factory "calls home" (reads cloud instance metadata) unless tracking is
    // opted out; this library never contacts anything, whatever the launcher's environment says.
    if (System.getenv("OPT_OUT_TRACKING") == null
        && System.getProperty("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }

  private final HuggingFaceTokenizer tokenizer;
  private final int contextLength;
  private final int bos;
  private final int eos;
  private final int pad;
  private final int charCap;

  private ClipTokenizer(
      HuggingFaceTokenizer tokenizer, int contextLength, int bos, int eos, int pad) {
    this.tokenizer = tokenizer;
    this.contextLength = contextLength;
    this.bos = bos;
    this.eos = eos;
    this.pad = pad;
    this.charCap = Math.max(MIN_CHAR_CAP, contextLength * CHARS_PER_SLOT);
  }

  /**
   * Loads a tokenizer from a local {@code tokenizer.json}.
   *
   * @param tokenizerJson the file
   * @param contextLength maximum ids per row, bos and eos included ({@code >= 2})
   * @param bos start token id
   * @param eos end token id
   * @param pad padding id
   * @return the tokenizer
   * @throws IOException when the file cannot be read or parsed
   * @throws IllegalArgumentException when the file's post-processor adds other specials than {@code
   *     [bos, eos]}
   */
  public static ClipTokenizer load(Path tokenizerJson, int contextLength, int bos, int eos, int pad)
      throws IOException {
    if (contextLength < 2) {
      throw new IllegalArgumentException("contextLength must be >= 2, got " + contextLength);
    }
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("tokenizer file " + tokenizerJson + " does not exist");
    }
    // Truncation, padding and special tokens are done in Java; the native side only tokenises.
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", "false",
            "truncation", "false",
            "padding", "false",
            "withOverflowingTokens", "false");
    HuggingFaceTokenizer hf;
    try {
      hf = HuggingFaceTokenizer.newInstance(tokenizerJson, options);
    } catch (RuntimeException e) {
      throw new IOException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
    }
    try {
      long[] wrapped = hf.encode("", true, false).getIds();
      if (wrapped.length > 0 && !Arrays.equals(wrapped, new long[] {bos, eos})) {
        throw new IllegalArgumentException(
            "tokenizer "
                + tokenizerJson
                + " wraps texts in "
                + Arrays.toString(wrapped)
                + " but the expected special tokens are [bos "
                + bos
                + ", eos "
                + eos
                + "]");
      }
    } catch (RuntimeException e) {
      hf.close();
      throw e;
    }
    return new ClipTokenizer(hf, contextLength, bos, eos, pad);
  }

  /**
   * Loads the tokenizer of a bundle with the bundle's context length and special tokens.
   *
   * @param bundle a validated bundle
   * @return the tokenizer
   * @throws InvalidBundleException when the tokenizer cannot be loaded or disagrees with the spec
   * @throws IOException when the file cannot be read
   */
  public static ClipTokenizer load(ModelBundle bundle) throws IOException {
    ModelSpec spec = bundle.spec();
    ModelSpec.SpecialTokens st = spec.specialTokens();
    try {
      return load(bundle.tokenizer(), spec.contextLength(), st.bos(), st.eos(), st.pad());
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidBundleException(
          bundle.directory(),
          ModelBundle.TOKENIZER_FILE + " in " + bundle.directory() + ": " + e.getMessage(),
          e);
    }
  }

  /** Maximum ids per row, bos and eos included. */
  public int contextLength() {
    return contextLength;
  }

  /** The start token id. */
  public int bosId() {
    return bos;
  }

  /** The end token id. */
  public int eosId() {
    return eos;
  }

  /** The padding id. */
  public int padId() {
    return pad;
  }

  /**
   * Ids of one text, unpadded: {@code bos, tokens..., eos}, at most {@link #contextLength()} long.
   *
   * @param text the text, not null
   * @return the ids
   */
  public long[] encode(String text) {
    Objects.requireNonNull(text, "text is null");
    return wrap(contentIds(text));
  }

  /**
   * Ids of a batch of texts, padded to the longest row.
   *
   * @param texts the texts, none null
   * @return the batch
   */
  public TokenBatch encodeBatch(List<String> texts) {
    return encodeBatch(texts, Padding.LONGEST);
  }

  /**
   * Ids of a batch of texts.
   *
   * @param texts the texts, none null
   * @param padding to the longest row or to the context length
   * @return the batch; {@code length} is at least 2, also for an empty list
   */
  public TokenBatch encodeBatch(List<String> texts, Padding padding) {
    Objects.requireNonNull(texts, "texts is null");
    Objects.requireNonNull(padding, "padding is null");
    String[] prepared = new String[texts.size()];
    for (int i = 0; i < prepared.length; i++) {
      String t = texts.get(i);
      if (t == null) {
        throw new NullPointerException("texts[" + i + "] is null");
      }
      prepared[i] = cap(sanitize(t));
    }
    Encoding[] encodings =
        prepared.length == 0 ? new Encoding[0] : tokenizer.batchEncode(prepared, false, false);
    long[][] rows = new long[prepared.length][];
    int longest = 2;
    for (int i = 0; i < rows.length; i++) {
      long[] content = stripSpecials(encodings[i].getIds());
      if (prepared[i].length() < texts.get(i).length() && content.length < contextLength - 2) {
        // the cut removed tokens that still fit: tokenise the whole text after all
        content = stripSpecials(tokenizer.encode(sanitize(texts.get(i)), false, false).getIds());
      }
      rows[i] = wrap(content);
      longest = Math.max(longest, rows[i].length);
    }
    int length = padding == Padding.CONTEXT ? contextLength : longest;
    long[] ids = new long[rows.length * length];
    int[] lengths = new int[rows.length];
    Arrays.fill(ids, pad);
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, ids, i * length, rows[i].length);
      lengths[i] = rows[i].length;
    }
    return new TokenBatch(ids, rows.length, length, lengths);
  }

  /**
   * The tokens (strings) the tokenizer makes of a text, without specials; for diagnostics.
   *
   * @param text the text, not null
   * @return the token strings
   */
  public List<String> tokens(String text) {
    Objects.requireNonNull(text, "text is null");
    return List.of(tokenizer.encode(sanitize(text), false, false).getTokens());
  }

  @Override
  public void close() {
    tokenizer.close();
  }

  private long[] contentIds(String text) {
    String capped = cap(sanitize(text));
    long[] content = stripSpecials(tokenizer.encode(capped, false, false).getIds());
    if (capped.length() < text.length() && content.length < contextLength - 2) {
      content = stripSpecials(tokenizer.encode(sanitize(text), false, false).getIds());
    }
    return content;
  }

  private long[] stripSpecials(long[] ids) {
    int n = 0;
    long[] out = new long[ids.length];
    for (long id : ids) {
      if (id != bos && id != eos) {
        out[n++] = id;
      }
    }
    return n == ids.length ? ids : Arrays.copyOf(out, n);
  }

  /** {@code bos, first (contextLength - 2) content ids, eos}. */
  private long[] wrap(long[] content) {
    int keep = Math.min(content.length, contextLength - 2);
    long[] row = new long[keep + 2];
    row[0] = bos;
    System.arraycopy(content, 0, row, 1, keep);
    row[keep + 1] = eos;
    return row;
  }

  /**
   * Cuts very long texts at the last whitespace before the cap. Whitespace is a hard token boundary
   * for the CLIP and the word-level pre-tokenizers, so the cut text's tokens are a prefix of the
   * full text's; callers fall back to the full text when the prefix is too short to fill the
   * context.
   */
  private String cap(String text) {
    if (text.length() <= charCap) {
      return text;
    }
    for (int i = charCap; i > 0; i--) {
      if (Character.isWhitespace(text.charAt(i))) {
        return text.substring(0, i);
      }
    }
    return text;
  }

  /** Replaces unpaired surrogates (not valid Unicode; the native side needs valid UTF-8). */
  static String sanitize(String text) {
    StringBuilder sb = null;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)) {
        bad = i + 1 >= n || !Character.isLowSurrogate(text.charAt(i + 1));
        if (!bad) {
          if (sb != null) {
            sb.append(c).append(text.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        bad = Character.isLowSurrogate(c);
      }
      if (bad && sb == null) {
        sb = new StringBuilder(n).append(text, 0, i);
      }
      if (sb != null) {
        sb.append(bad ? '\uFFFD' : c);
      }
    }
    return sb == null ? text : sb.toString();
  }
}
