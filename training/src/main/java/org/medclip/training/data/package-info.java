/**
 * The data layer of fine-tuning: reading an ImageCLEF 2017 Caption Prediction folder, the split
 * manifest, and the synthetic corpora that stand in for it.
 *
 * <h2>Reading</h2>
 *
 * {@link org.medclip.training.data.ImageClefDataset} reads the layout described in {@link
 * org.medclip.training.data.ImageClefLayout}. Splits follow the reference study: the original
 * validation set is TEST, the original training set is split 90:10 into TRAIN/VALIDATION (sorted
 * ids shuffled with {@code new Random(seed)}), the uncaptioned test images are UNLABELLED (indexed,
 * never trained on). Bad rows are counted by {@link org.medclip.training.data.BadRowReason} with
 * examples in a {@link org.medclip.training.data.DataReport} (Markdown or JSON) and are never
 * fatal; a folder that cannot be used at all throws a {@link
 * org.medclip.training.data.DatasetException} whose message is one sentence. {@link
 * org.medclip.training.data.SplitManifest} persists the split ({@code split-manifest.tsv}); {@link
 * org.medclip.training.data.SplitManifest#loadOrCreate} is how every command should obtain it.
 * {@link org.medclip.training.data.DatacheckCommand} does both from the command line.
 *
 * <h2>Generating</h2>
 *
 * {@link org.medclip.training.data.DatagenCommand} writes the same layout with 128x128 PNGs: {@link
 * org.medclip.training.data.SyntheticCorpusGenerator} (medical: X-ray, CT, T1/T2 MRI and ultrasound
 * of chest, brain, abdomen, spine and knee with nodules, fractures, effusions and calcifications,
 * plus charts and 2x2 panels) and {@link org.medclip.training.data.GeneralDomainGenerator}
 * (coloured shapes, for pretraining the demo's base model). Image {@code i} is a pure function of
 * {@code (seed, i)}: output is byte-identical for any thread count. Each medical figure is a {@link
 * org.medclip.training.data.FigureSpec}; the image is rendered from the spec ({@link
 * org.medclip.training.data.MedicalRenderer}) and the caption is written from the same spec ({@link
 * org.medclip.training.data.MedicalCaptions}), so every attribute a caption states is drawn. Sides
 * are the patient's, shown in the radiological convention: the patient's left is on the image's
 * right.
 */
package org.medclip.training.data;
