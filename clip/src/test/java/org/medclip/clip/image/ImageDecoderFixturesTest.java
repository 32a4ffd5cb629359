package org.medclip.clip.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding parity with real Pillow's {@code Image.open(f).convert("RGB")} on small fixtures made by
 * {@code src/test/resources/image/make_fixtures.py} (Pillow 12.3.0). Each {@code name.ext} has the
 * expected interleaved RGB bytes in {@code name.rgb}.
 */
class ImageDecoderFixturesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // 16-bit grey PNG: Pillow clamps to 255 (row 0 starts 0, 1, 254, 255, 256, 65535).
    "grey16.png, 13, 7, 0",
    // 16-bit RGB / RGBA / grey+alpha PNGs: Pillow keeps the high byte, drops alpha.
    "rgb16.png, 13, 7, 0",
    "rgba16.png, 13, 7, 0",
    "la16.png, 13, 7, 0",
    // 2-bit grey: v * 85.
    "grey2.png, 13, 7, 0",
    // Alpha dropped, not composited.
    "rgba.png, 13, 7, 0",
    "la.png, 13, 7, 0",
    // Palettes (8-bit with tRNS, 4-bit), GIF, BMP (24-bit, 8-bit palette, 8-bit grey).
    "palette_trns.png, 13, 7, 0",
    "palette4.png, 13, 7, 0",
    "anim.gif, 13, 7, 0",
    // GIF whose 8x5 first frame sits at (3, 4) of a 20x12 logical screen: canvas filled with
    // palette index 0, or with the transparency index when the frame has one.
    "gif_offset.gif, 20, 12, 0",
    "gif_offset_trns.gif, 20, 12, 0",
    "rgb24.bmp, 13, 7, 0",
    "pal8.bmp, 13, 7, 0",
    "grey8.bmp, 13, 7, 0",
    // 16-bit BMPs: 5-bit fields scale v * 255 / 31 (integer division), 6-bit v * 255 / 63.
    "bmp555.bmp, 13, 7, 0",
    "bmp565.bmp, 13, 7, 0",
    // CMYK JPEG (Adobe polarity): ImageIO cannot make a BufferedImage; decoded via readRaster.
    // JPEG decoders may differ slightly; measured difference: 0 grey levels.
    "cmyk.jpg, 26, 14, 2",
  })
  void matchesPillowConvertRgb(String file, int width, int height, int tolerance) throws Exception {
    RgbImage image = ImageDecoder.decode(Fixtures.bytes(file), file);
    assertEquals(width, image.width());
    assertEquals(height, image.height());
    ImageInfo info = ImageDecoder.probe(Fixtures.bytes(file), file);
    assertEquals(width, info.width(), "probe width");
    assertEquals(height, info.height(), "probe height");
    String base = file.substring(0, file.lastIndexOf('.'));
    int diff = Fixtures.maxByteDiff(Fixtures.bytes(base + ".rgb"), image.rgb());
    System.out.printf("fixture %s: max grey-level difference %d%n", file, diff);
    assertEquals(true, diff <= tolerance, file + ": max difference " + diff + " > " + tolerance);
  }

  /**
   * The fallback for JDKs whose JPEG reader rejects CMYK ({@code readRaster}: raw, non-inverted
   * samples) gives the same pixels as the {@code read()} path.
   */
  @org.junit.jupiter.api.Test
  void cmykRasterFallbackMatchesPillow() throws Exception {
    RgbImage image = ImageDecoder.decodeFourChannelJpeg(Fixtures.bytes("cmyk.jpg"), "cmyk.jpg");
    assertEquals(0, Fixtures.maxByteDiff(Fixtures.bytes("cmyk.rgb"), image.rgb()));
    assertEquals(0, ImageDecoder.adobeTransform(Fixtures.bytes("cmyk.jpg")));
  }
}
