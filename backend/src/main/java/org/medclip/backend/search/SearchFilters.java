package org.medclip.backend.search;

/**
 * Filters every search mode applies; null means any.
 *
 * @param split train, validation or test
 * @param hasCaption only images with (true) or without (false) a caption
 * @param minWidth smallest width in pixels
 * @param minHeight smallest height in pixels
 */
public record SearchFilters(
    String split, Boolean hasCaption, Integer minWidth, Integer minHeight) {}
