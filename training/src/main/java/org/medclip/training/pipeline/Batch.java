package org.medclip.training.pipeline;

/**
 * One ready training or validation batch: decoded, preprocessed pixels and token ids.
 *
 * @param index position of the batch in its epoch (0-based)
 * @param pixels {@code size} CHW images concatenated, CLIP-normalised float32
 * @param ids {@code size} rows of token ids of equal length, row i the caption of image i
 * @param captions the captions, row i of {@code ids}
 * @param size pairs in the batch (requested minus dropped)
 * @param dropped pairs left out because their image could not be decoded
 */
public record Batch(
    int index,
    float[] pixels,
    long[][] ids,
    java.util.List<String> captions,
    int size,
    int dropped) {}
