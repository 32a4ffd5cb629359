package org.medclip.training.data;

/**
 * Everything that decides the pixels of one synthetic figure. The image is a pure function of the
 * spec ({@link MedicalRenderer#render}), and the caption states only attributes held in the spec
 * ({@link MedicalCaptions}), so every stated attribute is drawn.
 */
public sealed interface FigureSpec permits ScanSpec, ChartSpec, PanelSpec {}
