/**
 * The synthetic corpora that stand in for ImageCLEF, and the data commands of the command line.
 *
 * <h2>Reading</h2>
 *
 * Reading an ImageCLEF 2017 Caption Prediction folder, the split manifest and the data report live
 * in {@code org.medclip.clip.corpus} (module {@code clip}), shared with the backend's ingest.
 * {@link org.medclip.training.data.DatacheckCommand} checks a folder and writes its split manifest
 * from the command line.
 *
 * <h2>Generating</h2>
 *
 * {@link org.medclip.training.data.DatagenCommand} writes the same layout with 128x128 PNGs: {@link
 * org.medclip.training.data.SyntheticCorpusGenerator} (medical: X-ray, CT (plain or
 * contrast-enhanced), T1 (plain or gadolinium-enhanced) and T2 MRI and ultrasound of chest, brain,
 * abdomen, spine and knee with nodules, fractures, effusions (small or large where the amount is
 * drawn) and calcifications, one scan in ten normal, plus charts and 2x2 panels) and {@link
 * org.medclip.training.data.GeneralDomainGenerator} (coloured shapes, for pretraining the demo's
 * base model). Image {@code i} is a pure function of {@code (seed, i)}: output is byte-identical
 * for any thread count. Each medical figure is a {@link org.medclip.training.data.FigureSpec}; the
 * image is rendered from the spec ({@link org.medclip.training.data.MedicalRenderer}) and the
 * caption is written from the same spec ({@link org.medclip.training.data.MedicalCaptions}), so
 * every attribute a caption states is drawn. Sides are the patient's, shown in the radiological
 * convention: the patient's left is on the image's right.
 */
package org.medclip.training.data;
