package org.medclip.clip.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medclip.clip.image.ImageDecodeException.Reason;

/** Bad inputs give typed errors naming the input; unusual but valid images decode like Pillow. */
class ImageDecoderRobustnessTest {

  private static ImageDecodeException decodeFails(byte[] bytes, String name) {
    ImageDecodeException e =
        assertThrows(ImageDecodeException.class, () -> ImageDecoder.decode(bytes, name));
    assertTrue(e.getMessage().contains(name), "message names the input: " + e.getMessage());
    assertEquals(name, e.name());
    return e;
  }

  private static byte[] golden(String input) throws IOException {
    return Files.readAllBytes(Golden.clipPreprocess().resolve("inputs").resolve(input));
  }

  private static byte[] write(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), "ImageIO can write " + format);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------------------------- bad input

  @Test
  void zeroBytesIsEmpty() {
    assertEquals(Reason.EMPTY, decodeFails(new byte[0], "empty.png").reason());
  }

  @Test
  void randomBytesAreNotAnImage() {
    byte[] bytes = new byte[4096];
    new Random(7).nextBytes(bytes);
    bytes[0] = 0x42; // not a magic number of any supported format
    assertEquals(Reason.NOT_AN_IMAGE, decodeFails(bytes, "noise.bin").reason());
    byte[] text = "%PDF-1.7 definitely not an image".getBytes(StandardCharsets.US_ASCII);
    assertEquals(Reason.NOT_AN_IMAGE, decodeFails(text, "doc.pdf").reason());
  }

  @Test
  void knownButUnsupportedFormatsAreUnsupported() {
    byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0};
    assertEquals(Reason.UNSUPPORTED_FORMAT, decodeFails(tiff, "scan.tif").reason());
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);
    assertEquals(Reason.UNSUPPORTED_FORMAT, decodeFails(webp, "photo.webp").reason());
  }

  @Test
  void truncatedPngIsCorrupt() throws IOException {
    byte[] png = golden("rgb_640x480.png");
    byte[] half = Arrays.copyOf(png, png.length / 2);
    assertEquals(Reason.CORRUPT, decodeFails(half, "half.png").reason());
    byte[] headerOnly = Arrays.copyOf(png, 40);
    assertEquals(Reason.CORRUPT, decodeFails(headerOnly, "header-only.png").reason());
    byte[] signatureOnly = Arrays.copyOf(png, 8);
    assertEquals(Reason.CORRUPT, decodeFails(signatureOnly, "signature.png").reason());
  }

  @Test
  void truncatedJpegIsCorrupt() throws IOException {
    byte[] jpg = golden("rgb_97x513.jpg");
    byte[] half = Arrays.copyOf(jpg, jpg.length / 2);
    // libjpeg only warns ("Premature end of JPEG file") and pads with grey; Pillow refuses it.
    assertEquals(Reason.CORRUPT, decodeFails(half, "half.jpg").reason());
    byte[] soiOnly = Arrays.copyOf(jpg, 3);
    assertEquals(Reason.CORRUPT, decodeFails(soiOnly, "soi.jpg").reason());
  }

  @Test
  void garbageAfterMagicIsCorrupt() {
    byte[] bytes = new byte[2048];
    new Random(3).nextBytes(bytes);
    bytes[0] = (byte) 0xFF;
    bytes[1] = (byte) 0xD8;
    bytes[2] = (byte) 0xFF;
    assertEquals(Reason.CORRUPT, decodeFails(bytes, "garbage.jpg").reason());
    byte[] gif = Arrays.copyOf("GIF89a".getBytes(StandardCharsets.US_ASCII), 64);
    Arrays.fill(gif, 6, 64, (byte) 0x7f);
    assertEquals(Reason.CORRUPT, decodeFails(gif, "garbage.gif").reason());
  }

  /** A PNG whose IHDR claims 20000 x 20000 pixels, followed by a bogus 4-byte IDAT. */
  static byte[] hugePng() {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 16 + 12);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(20000).putInt(20000);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(b, "IHDR", ihdr.array());
    chunk(b, "IDAT", new byte[] {1, 2, 3, 4});
    chunk(b, "IEND", new byte[0]);
    return b.array();
  }

  private static void chunk(ByteBuffer b, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt(data.length).put(t).put(data).putInt((int) crc.getValue());
  }

  @Test
  void hugeHeaderIsRefusedBeforeDecoding() throws Exception {
    byte[] png = hugePng();
    ImageInfo info = ImageDecoder.probe(png, "huge.png");
    assertEquals(new ImageInfo("png", 20000, 20000), info);
    // 400 megapixels would need 1.2 GB of RGB; the header check refuses it without allocating.
    ImageDecodeException e = decodeFails(png, "huge.png");
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("20000x20000"), e.getMessage());
  }

  @Test
  void hugeBmpHeaderIsRefused() {
    // 12000 x 12000 (144 MP), 8-bit RLE (the JDK itself rejects uncompressed BMP headers whose
    // pixel data cannot fit the file), grey palette, a few bytes of RLE data.
    ByteBuffer b = ByteBuffer.allocate(54 + 1024 + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(54 + 1024);
    b.putInt(40).putInt(12000).putInt(12000).putShort((short) 1).putShort((short) 8);
    b.putInt(1).putInt(4).putInt(2835).putInt(2835).putInt(256).putInt(0);
    for (int i = 0; i < 256; i++) {
      b.put((byte) i).put((byte) i).put((byte) i).put((byte) 0);
    }
    b.put(new byte[] {2, 7, 0, 1}); // two pixels of index 7, end of bitmap
    ImageDecodeException e = decodeFails(b.array(), "huge.bmp");
    assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
  }

  @Test
  void hugeGifLogicalScreenIsRefused() {
    // 65535 x 65535 logical screen, 2-colour global palette, one 1x1 frame.
    byte[] gif = {
      'G',
      'I',
      'F',
      '8',
      '9',
      'a',
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0x80,
      0,
      0,
      0,
      0,
      0,
      (byte) 0xFF,
      (byte) 0xFF,
      (byte) 0xFF,
      0x2C,
      0,
      0,
      0,
      0,
      1,
      0,
      1,
      0,
      0,
      2,
      2,
      0x44,
      0x01,
      0,
      0x3B
    };
    ImageDecodeException e = decodeFails(gif, "huge.gif");
    assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
  }

  @Test
  void missingFileIsIoError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.png");
    ImageDecodeException e =
        assertThrows(
            ImageDecodeException.class,
            () -> ImagePreprocessor.clipDefaults(32).preprocess(missing));
    assertEquals(Reason.IO_ERROR, e.reason());
    assertTrue(e.getMessage().contains("nope.png"));
  }

  // ------------------------------------------------------------------- unusual but valid images

  @Test
  void sixteenBitGreyPngClampsLikePillow() throws Exception {
    int[] values = {0, 100, 255, 256, 1000, 65535};
    BufferedImage image = new BufferedImage(values.length, 1, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster raster = image.getRaster();
    for (int x = 0; x < values.length; x++) {
      raster.setSample(x, 0, 0, values[x]);
    }
    RgbImage rgb = ImageDecoder.decode(write(image, "png"), "grey16.png");
    // Pillow: mode I;16 -> RGB clamps to 0..255 (no rescaling to 8 bits).
    int[] expected = {0, 100, 255, 255, 255, 255};
    for (int x = 0; x < values.length; x++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(expected[x], rgb.get(x, 0, c), "x=" + x + " c=" + c);
      }
    }
  }

  @Test
  void rgbaDropsAlphaWithoutCompositing() throws Exception {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0x00C80A1E); // fully transparent (200, 10, 30)
    image.setRGB(1, 0, 0x80FFFFFF); // half transparent white
    image.setRGB(2, 0, 0xFF010203); // opaque
    RgbImage rgb = ImageDecoder.decode(write(image, "png"), "rgba.png");
    assertArrayEquals(
        new byte[] {(byte) 200, 10, 30, (byte) 255, (byte) 255, (byte) 255, 1, 2, 3}, rgb.rgb());
  }

  @Test
  void palettePngWithTransparencyExpandsThePalette() throws Exception {
    byte[] r = {10, 20, (byte) 250};
    byte[] g = {11, 21, (byte) 251};
    byte[] b = {12, 22, (byte) 252};
    byte[] a = {0, (byte) 255, (byte) 128}; // entry 0 fully transparent
    IndexColorModel icm = new IndexColorModel(8, 3, r, g, b, a);
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_INDEXED, icm);
    int[] idx = {0, 1, 2, 2, 1, 0};
    image.getRaster().setPixels(0, 0, 3, 2, idx);
    RgbImage rgb = ImageDecoder.decode(write(image, "png"), "palette.png");
    for (int i = 0; i < idx.length; i++) {
      assertEquals(r[idx[i]] & 0xFF, rgb.rgb()[i * 3] & 0xFF);
      assertEquals(g[idx[i]] & 0xFF, rgb.rgb()[i * 3 + 1] & 0xFF);
      assertEquals(b[idx[i]] & 0xFF, rgb.rgb()[i * 3 + 2] & 0xFF);
    }
  }

  @Test
  void greyReplicatesWithoutGammaConversion() throws Exception {
    // TYPE_BYTE_GRAY's getRGB would apply a linear-to-sRGB curve; Pillow just replicates.
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 50, 128, 255});
    for (String format : new String[] {"png", "bmp", "gif"}) {
      RgbImage rgb = ImageDecoder.decode(write(image, format), "grey." + format);
      int[] expected = {0, 50, 128, 255};
      for (int x = 0; x < 4; x++) {
        assertEquals(expected[x], rgb.get(x, 0, 0), format + " x=" + x);
        assertEquals(expected[x], rgb.get(x, 0, 2), format + " x=" + x);
      }
    }
  }

  @Test
  void gifAndBmpDecode() throws Exception {
    BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 5; x++) {
        image.setRGB(x, y, (x * 50) << 16 | (y * 60) << 8 | 7);
      }
    }
    RgbImage bmp = ImageDecoder.decode(write(image, "bmp"), "img.bmp");
    assertEquals(5, bmp.width());
    assertEquals(4, bmp.height());
    assertEquals(150, bmp.get(3, 2, 0));
    assertEquals(120, bmp.get(3, 2, 1));
    assertEquals(7, bmp.get(3, 2, 2));
    assertEquals("bmp", ImageDecoder.probe(write(image, "bmp"), "img.bmp").format());
    // ImageIO's GIF writer quantises to a palette; the colours used here are few enough to stay.
    RgbImage gif = ImageDecoder.decode(write(image, "gif"), "img.gif");
    assertEquals(5, gif.width());
    assertEquals(4, gif.height());
    assertEquals("gif", ImageDecoder.probe(write(image, "gif"), "img.gif").format());
  }

  /**
   * A CMYK JPEG written by ImageIO's JPEG writer from a 4-band raster (no Adobe marker). Pillow
   * still assumes Adobe polarity; on this exact file real Pillow's {@code convert("RGB")} and our
   * decode were compared once by hand: max difference 0. Here: the BufferedImage path and the
   * readRaster fallback agree exactly, and both are Pillow's cmyk2rgb of the (lossy) written
   * samples.
   */
  @Test
  void cmykJpegWrittenByImageIoDecodesLikePillow() throws Exception {
    int w = 16;
    int h = 8;
    WritableRaster raster =
        java.awt.image.Raster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // smooth content so quality-1.0 JPEG stays within a few levels
        raster.setPixel(x, y, new int[] {x * 12, y * 20, 200 - x * 5, 255 - y * 10});
      }
    }
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1f);
      writer.write(null, new javax.imageio.IIOImage(raster, null, null), param);
    } finally {
      writer.dispose();
    }
    byte[] jpg = bytes.toByteArray();
    RgbImage decoded = ImageDecoder.decode(jpg, "cmyk-imageio.jpg");
    RgbImage fallback = ImageDecoder.decodeFourChannelJpeg(jpg, "cmyk-imageio.jpg");
    assertArrayEquals(fallback.rgb(), decoded.rgb());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int[] s = raster.getPixel(x, y, (int[]) null);
        for (int c = 0; c < 3; c++) {
          // Pillow: samples are inverted CMYK (CMYK;I): C = 255 - s, K = 255 - s3, nk = s3.
          int expected = s[3] - ImageDecoder.mulDiv255(255 - s[c], s[3]);
          int actual = decoded.get(x, y, c);
          assertTrue(
              Math.abs(expected - actual) <= 8,
              "x=" + x + " y=" + y + " c=" + c + ": " + actual + " vs " + expected);
        }
      }
    }
  }

  @Test
  void mulDiv255RoundsLikePillow() {
    assertEquals(0, ImageDecoder.mulDiv255(0, 255));
    assertEquals(255, ImageDecoder.mulDiv255(255, 255));
    assertEquals(8, ImageDecoder.mulDiv255(10, 215)); // 8.43 -> 8
    assertEquals(1, ImageDecoder.mulDiv255(1, 128)); // 0.502 -> 1
  }

  /**
   * Adobe YCCK samples (only reachable through the readRaster fallback; no YCCK file could be
   * produced here, so this checks the arithmetic against values worked out from libjpeg's jdcolor.c
   * tables). Y = 100, Cb = 128: neutral gives C = M = Y = 100 and raw K = 255 means no black: R =
   * 255 - 100 = 155. With Cr = 255: Cr_r = (FIX(1.402) * 127 + 2^15) >> 16 = 178, so C clamps to
   * 255 (R = 0); Cr_g = -FIX(0.71414) * 127 = -5943854, (2^15 - 5943854) >> 16 = -91, so M = 9 (G =
   * 246).
   */
  @Test
  void ycckConversionUsesLibjpegTables() {
    WritableRaster raster =
        java.awt.image.Raster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, 2, 1, 4, null);
    raster.setPixel(0, 0, new int[] {100, 128, 128, 255});
    raster.setPixel(1, 0, new int[] {100, 128, 255, 255});
    RgbImage rgb = ImageDecoder.cmykToRgb(raster, ImageDecoder.CmykSamples.RAW_YCCK);
    assertArrayEquals(
        new byte[] {(byte) 155, (byte) 155, (byte) 155, 0, (byte) 246, (byte) 155}, rgb.rgb());
  }
}
