/**
 * Reading (and writing) an ImageCLEF 2017 Caption Prediction folder, shared by training and the
 * backend's ingest.
 *
 * <p>{@link org.medclip.clip.corpus.ImageClefDataset} reads the layout described in {@link
 * org.medclip.clip.corpus.ImageClefLayout}. Splits follow the reference study: the original
 * validation set is TEST, the original training set is split 90:10 into TRAIN/VALIDATION (sorted
 * ids shuffled with {@code new Random(seed)}), the uncaptioned test images are UNLABELLED (indexed,
 * never trained on). Bad rows are counted by {@link org.medclip.clip.corpus.BadRowReason} with
 * examples in a {@link org.medclip.clip.corpus.DataReport} (Markdown or JSON) and are never fatal;
 * a folder that cannot be used at all throws a {@link org.medclip.clip.corpus.DatasetException}
 * whose message is one sentence. {@link org.medclip.clip.corpus.SplitManifest} persists the split
 * ({@code split-manifest.tsv}); {@link org.medclip.clip.corpus.SplitManifest#loadOrCreate} is how
 * every training command should obtain it. {@link org.medclip.clip.corpus.ImageClefWriter} writes
 * the layout for the synthetic generators.
 */
package org.medclip.clip.corpus;
