package org.medclip.training.onnx;

import org.medclip.clip.ClipConfig;

/**
 * Which position of the final hidden states becomes the text embedding.
 *
 * <p>Hugging Face's {@code CLIPTextTransformer} decides by the config's {@code eos_token_id}: the
 * value 2 marks configs written before transformers PR #24773 (openai/clip-vit-* still carry it,
 * although their real end token is 49407), and for those it pools at {@code argmax(input_ids)},
 * which is the end token only because the CLIP BPE vocabulary gives it the largest id. Any other
 * value pools at the first occurrence of {@code eos_token_id}. Our own {@link ClipConfig} always
 * means {@link #FIRST_EOS} (its {@code eosTokenId} is documented as the pooling token).
 */
public enum TextPooling {
  /**
   * The first position whose id equals {@code eosTokenId}; position 0 when a row has none (what
   * {@code torch.argmax} of an all-zero row gives, so it matches HF there too).
   */
  FIRST_EOS,

  /**
   * The first position of the largest id in the row: HF's legacy rule for {@code eos_token_id ==
   * 2}. Equals {@link #FIRST_EOS} with the largest vocabulary id as end token whenever every row
   * contains that id.
   */
  ARGMAX_IDS;

  /** HF's rule applied to a raw {@code config.json} {@code text_config.eos_token_id}. */
  public static TextPooling forHfEosTokenId(int hfEosTokenId) {
    return hfEosTokenId == 2 ? ARGMAX_IDS : FIRST_EOS;
  }
}
