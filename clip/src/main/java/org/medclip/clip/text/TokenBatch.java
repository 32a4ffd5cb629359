package org.medclip.clip.text;

import java.util.Arrays;

/**
 * Token ids for a batch of texts, the {@code input_ids} tensor of the text encoder: {@code rows x
 * length} int64 in row-major order. Row {@code i} is {@code bos, tokens..., eos} followed by pad
 * ids; {@code lengths[i]} counts the ids up to and including {@code eos}.
 *
 * @param ids row-major ids, {@code rows * length} entries (owned by this batch; do not modify)
 * @param rows number of texts
 * @param length ids per row ({@code <=} the tokenizer's context length)
 * @param lengths unpadded length of each row, each in {@code [2, length]}
 */
public record TokenBatch(long[] ids, int rows, int length, int[] lengths) {

  public TokenBatch {
    if (ids.length != (long) rows * length || lengths.length != rows) {
      throw new IllegalArgumentException("ids/lengths do not match rows x length");
    }
  }

  /** The ONNX shape {@code [rows, length]}. */
  public long[] shape() {
    return new long[] {rows, length};
  }

  /** One row, padded, as a copy. */
  public long[] row(int i) {
    return Arrays.copyOfRange(ids, i * length, (i + 1) * length);
  }

  /** One row without its padding, as a copy. */
  public long[] unpadded(int i) {
    return Arrays.copyOfRange(ids, i * length, i * length + lengths[i]);
  }

  /** All rows as a 2-D array (copies). */
  public long[][] toArray() {
    long[][] out = new long[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = row(i);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenBatch b
        && rows == b.rows
        && length == b.length
        && Arrays.equals(ids, b.ids)
        && Arrays.equals(lengths, b.lengths);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(ids) + rows;
  }

  @Override
  public String toString() {
    return "TokenBatch" + Arrays.deepToString(toArray());
  }
}
