package org.medclip.clip.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.medclip.clip.image.ImageDecodeException.Reason;

/**
 * Decodes PNG, JPEG, GIF and BMP bytes to 8-bit RGB with the same pixel values as Pillow's {@code
 * Image.open(f).convert("RGB")} (for JPEG: up to decoder differences, see below). Uses only the
 * JDK's ImageIO plugins.
 *
 * <p>Conversion rules (Pillow's {@code PngImagePlugin} modes, unpackers and {@code Convert.c}):
 *
 * <ul>
 *   <li>Alpha is dropped, never composited onto a background (Pillow's RGBA/LA to RGB).
 *   <li>Palette images (PNG colour type 3, GIF, 1/4/8-bit BMP) are expanded through the palette; an
 *       index beyond the palette maps to grey {@code (i, i, i)} as in Pillow's initial palette.
 *   <li>Grey is replicated to R = G = B. Grey of 1, 2 or 4 bits is scaled by {@code v * 255 /
 *       (2^bits - 1)} (Pillow's {@code 1}, {@code L;2}, {@code L;4} unpackers).
 *   <li>16-bit single-channel grey PNG (colour type 0): Pillow opens it as mode {@code I;16} (or
 *       {@code I} before Pillow 10) and its conversion to RGB clamps each value to 0..255; it does
 *       NOT rescale, so values of 255 and above become white. Implemented the same way.
 *   <li>Other 16-bit PNGs (RGB, RGBA, grey + alpha) are unpacked by Pillow with the {@code ;16B}
 *       rawmodes, which keep the most significant byte: {@code v >>> 8}. Implemented the same way.
 *   <li>BMP bit fields narrower than 8 bits (e.g. 5-6-5) scale as {@code v * 255 / (2^bits - 1)}
 *       with integer division, as Pillow's {@code BGR;15} / {@code BGR;16} unpackers do.
 *   <li>CMYK JPEG (which ImageIO cannot turn into a {@code BufferedImage}): the raw samples are
 *       read with {@code ImageReader.readRaster}; Adobe YCCK (APP14 transform 2) is first turned
 *       into CMYK with libjpeg's YCC tables; Pillow's Adobe polarity (inverted samples, {@code
 *       CMYK;I}) and its {@code cmyk2rgb} ({@code R = (255-K) - (C*(255-K))/255}, rounded) follow.
 *   <li>ICC profiles, gamma chunks and EXIF orientation are ignored, as Pillow's {@code open} and
 *       {@code convert} ignore them.
 *   <li>GIF: the first frame, placed like Pillow does on a canvas of the logical screen size filled
 *       with the frame's transparency index (else index 0), then expanded.
 * </ul>
 *
 * <p>JPEG pixels come from the JDK's libjpeg 6b build while Pillow uses libjpeg(-turbo); both use
 * the integer slow IDCT and fancy upsampling by default, but outputs may differ by a few grey
 * levels. PNG, GIF and BMP decoding is lossless and exact.
 *
 * <p>Safety: the format is recognised from magic bytes; the width and height are read from the
 * header with {@code ImageReader.getWidth/getHeight} and images above {@link #MAX_PIXELS} are
 * refused before any pixel buffer is allocated. Exceptions thrown by ImageIO plugins on damaged
 * data (including runtime exceptions) and truncation warnings become {@link ImageDecodeException}s.
 * This class is stateless and thread-safe.
 */
public final class ImageDecoder {

  /** Largest accepted image, in pixels (width * height), checked from the header. */
  public static final long MAX_PIXELS = 100_000_000L;

  private ImageDecoder() {}

  /** Supported container formats, recognised by their magic bytes. */
  enum Format {
    PNG("png"),
    JPEG("jpeg"),
    GIF("gif"),
    BMP("bmp");

    final String imageIoName;

    Format(String imageIoName) {
      this.imageIoName = imageIoName;
    }
  }

  /**
   * Reads format and dimensions from the header without decoding pixels.
   *
   * @param encoded the file contents
   * @param name file name or label for error messages
   * @throws ImageDecodeException EMPTY, NOT_AN_IMAGE, UNSUPPORTED_FORMAT or CORRUPT (unreadable
   *     header); never TOO_LARGE: the caller decides what to do with the size
   */
  public static ImageInfo probe(byte[] encoded, String name) throws ImageDecodeException {
    Format format = sniff(encoded, name);
    ImageReader reader = readerFor(format, name);
    try (ImageInputStream in = stream(encoded)) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      GifLayout gif = format == Format.GIF ? GifLayout.parse(encoded) : null;
      if (gif != null) {
        // Pillow's size for a GIF: the logical screen, grown to hold the first frame.
        width = Math.max(gif.screenW, gif.left + width);
        height = Math.max(gif.screenH, gif.top + height);
      }
      return new ImageInfo(format.imageIoName, width, height);
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          Reason.CORRUPT, name, "unreadable " + format.imageIoName + " header: " + e, e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Decodes an image to 8-bit RGB exactly as Pillow's {@code convert("RGB")} would see it.
   *
   * @param encoded the file contents
   * @param name file name or label for error messages
   * @return the pixels
   * @throws ImageDecodeException with a {@link Reason} and a message naming {@code name}
   */
  public static RgbImage decode(byte[] encoded, String name) throws ImageDecodeException {
    Format format = sniff(encoded, name);
    try {
      return decodeSupported(format, encoded, name);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          Reason.CORRUPT, name, "cannot decode " + format.imageIoName + ": " + e, e);
    } catch (OutOfMemoryError e) {
      // Only reachable below MAX_PIXELS when the heap is small or many decodes run at once; the
      // big buffers of this decode are unreachable again once we return.
      throw new ImageDecodeException(
          Reason.TOO_LARGE, name, "not enough memory to decode " + format.imageIoName, null);
    }
  }

  private static RgbImage decodeSupported(Format format, byte[] encoded, String name)
      throws IOException, ImageDecodeException {
    ImageReader reader = readerFor(format, name);
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = stream(encoded)) {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      checkSize(width, height, format, name);
      reader.addIIOReadWarningListener(collect(warnings));
      Raster raster;
      ColorModel colorModel;
      try {
        BufferedImage image = reader.read(0);
        raster = image.getRaster();
        colorModel = image.getColorModel();
      } catch (IIOException e) {
        if (format == Format.JPEG && isUnsupportedJpegType(e)) {
          return decodeFourChannelJpeg(encoded, name);
        }
        throw e;
      }
      failOnTruncation(warnings, format, name);
      if (format == Format.GIF) {
        return gifFirstFrameOnCanvas(encoded, raster, colorModel, name);
      }
      int pngColorType = format == Format.PNG ? encoded[25] & 0xFF : -1;
      int pngBitDepth = format == Format.PNG ? encoded[24] & 0xFF : -1;
      boolean clampGrey16 = pngColorType == 0 && pngBitDepth == 16;
      return toRgb(raster, colorModel, clampGrey16, name);
    } finally {
      reader.dispose();
    }
  }

  private static void checkSize(int width, int height, Format format, String name)
      throws ImageDecodeException {
    if (width <= 0 || height <= 0) {
      throw new ImageDecodeException(
          Reason.CORRUPT,
          name,
          format.imageIoName + " header declares size " + width + "x" + height);
    }
    if ((long) width * height > MAX_PIXELS) {
      throw new ImageDecodeException(
          Reason.TOO_LARGE,
          name,
          format.imageIoName
              + " header declares "
              + width
              + "x"
              + height
              + " pixels, more than the limit of "
              + MAX_PIXELS);
    }
  }

  private static IIOReadWarningListener collect(List<String> warnings) {
    return (source, warning) -> warnings.add(warning);
  }

  /**
   * libjpeg reports a truncated JPEG only as a warning and fills the rest with grey; Pillow refuses
   * such files ("image file is truncated"), so we do too.
   */
  private static void failOnTruncation(List<String> warnings, Format format, String name)
      throws ImageDecodeException {
    for (String w : warnings) {
      String lower = w.toLowerCase(Locale.ROOT);
      if (lower.contains("premature end") || lower.contains("truncat")) {
        throw new ImageDecodeException(
            Reason.CORRUPT, name, format.imageIoName + " data is truncated (" + w + ")");
      }
    }
  }

  private static boolean isUnsupportedJpegType(IIOException e) {
    String m = e.getMessage();
    return m != null && m.toLowerCase(Locale.ROOT).contains("unsupported image type");
  }

  // ---------------------------------------------------------------------------------------------
  // Format recognition

  static Format sniff(byte[] b, String name) throws ImageDecodeException {
    if (b == null || b.length == 0) {
      throw new ImageDecodeException(Reason.EMPTY, name, "zero bytes");
    }
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      // IHDR must be the first chunk; we read bit depth and colour type from it.
      if (b.length < 33 || !startsWith(b, 12, 'I', 'H', 'D', 'R')) {
        throw new ImageDecodeException(Reason.CORRUPT, name, "png without a complete IHDR chunk");
      }
      return Format.PNG;
    }
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return Format.JPEG;
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(b, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return Format.GIF;
    }
    if (b.length >= 26 && startsWith(b, 0, 'B', 'M')) {
      return Format.BMP;
    }
    String other = knownUnsupported(b);
    if (other != null) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_FORMAT, name, other + " images are not supported");
    }
    throw new ImageDecodeException(
        Reason.NOT_AN_IMAGE, name, "not a PNG, JPEG, GIF or BMP image (" + b.length + " bytes)");
  }

  private static String knownUnsupported(byte[] b) {
    if (startsWith(b, 0, 'I', 'I', '*', 0) || startsWith(b, 0, 'M', 'M', 0, '*')) {
      return "TIFF";
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return "WebP";
    }
    if (startsWith(b, 128, 'D', 'I', 'C', 'M')) {
      return "DICOM";
    }
    if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
      return "HEIF/AVIF";
    }
    if (startsWith(b, 0, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ')
        || startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
      return "JPEG 2000";
    }
    if (startsWith(b, 0, '8', 'B', 'P', 'S')) {
      return "PSD";
    }
    return null;
  }

  private static boolean startsWith(byte[] b, int offset, int... magic) {
    if (b.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static ImageReader readerFor(Format format, String name) throws ImageDecodeException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
    if (!readers.hasNext()) {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_FORMAT, name, "no ImageIO reader for " + format.imageIoName);
    }
    return readers.next();
  }

  private static ImageInputStream stream(byte[] encoded) {
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded));
  }

  // ---------------------------------------------------------------------------------------------
  // Pixel conversion

  /**
   * Converts a decoded raster to RGB following Pillow's rules (see the class comment).
   *
   * @param clampGrey16 16-bit single-channel grey PNG: clamp to 255 instead of taking the high byte
   */
  static RgbImage toRgb(Raster raster, ColorModel cm, boolean clampGrey16, String name)
      throws ImageDecodeException {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    if (cm instanceof IndexColorModel icm) {
      expandPalette(raster, icm, out);
      return new RgbImage(w, h, out);
    }
    int bands = raster.getNumBands();
    int csType = cm == null ? -1 : cm.getColorSpace().getType();
    if (csType == ColorSpace.TYPE_CMYK && bands == 4) {
      // The JDK's JPEG reader (CMYK support) has already inverted Adobe-polarity samples.
      return cmykToRgb(raster, CmykSamples.INVERTED);
    }
    boolean grey;
    if (bands <= 2 && (cm == null || csType == ColorSpace.TYPE_GRAY)) {
      grey = true;
    } else if ((bands == 3 || bands == 4) && (cm == null || csType == ColorSpace.TYPE_RGB)) {
      grey = false;
    } else {
      throw new ImageDecodeException(
          Reason.UNSUPPORTED_FORMAT,
          name,
          "unsupported pixel layout: " + bands + " bands, colour space type " + csType);
    }
    if (!clampGrey16 && copyInterleavedBytes(raster, grey, out)) {
      return new RgbImage(w, h, out);
    }
    int channels = grey ? 1 : 3;
    SampleModel sm = raster.getSampleModel();
    int[] row = new int[w];
    for (int c = 0; c < channels; c++) {
      int bits = sm.getSampleSize(c);
      for (int y = 0; y < h; y++) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, c, row);
        int o = y * w * 3;
        for (int x = 0; x < w; x++, o += 3) {
          int v = to8Bits(row[x], bits, clampGrey16);
          if (grey) {
            out[o] = out[o + 1] = out[o + 2] = (byte) v;
          } else {
            out[o + c] = (byte) v;
          }
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  /** One sample of {@code bits} bits to 0..255 the way Pillow's unpackers/converters do. */
  static int to8Bits(int v, int bits, boolean clamp16) {
    if (bits == 8) {
      return v;
    }
    if (bits < 8) {
      return v * 255 / ((1 << bits) - 1);
    }
    if (bits == 16 && clamp16) {
      return Math.min(v, 255);
    }
    return v >>> (bits - 8);
  }

  /** Fast path for the common 8-bit interleaved byte rasters (JPEG, 8-bit PNG, 24-bit BMP). */
  private static boolean copyInterleavedBytes(Raster raster, boolean grey, byte[] out) {
    SampleModel sm = raster.getSampleModel();
    if (!(sm instanceof ComponentSampleModel csm)
        || !(raster.getDataBuffer() instanceof DataBufferByte db)
        || db.getNumBanks() != 1
        || sm.getDataType() != DataBuffer.TYPE_BYTE) {
      return false;
    }
    int channels = grey ? 1 : 3;
    int[] bandOffsets = csm.getBandOffsets();
    int[] bankIndices = csm.getBankIndices();
    for (int c = 0; c < channels; c++) {
      if (bankIndices[c] != 0 || csm.getSampleSize(c) != 8) {
        return false;
      }
    }
    byte[] data = db.getData();
    int w = raster.getWidth();
    int h = raster.getHeight();
    int pixelStride = csm.getPixelStride();
    int scanline = csm.getScanlineStride();
    int base =
        db.getOffset()
            + (raster.getMinY() - raster.getSampleModelTranslateY()) * scanline
            + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
    int o = 0;
    if (grey) {
      int b0 = bandOffsets[0];
      for (int y = 0; y < h; y++) {
        int p = base + y * scanline + b0;
        for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
          byte v = data[p];
          out[o] = v;
          out[o + 1] = v;
          out[o + 2] = v;
        }
      }
    } else {
      int r = bandOffsets[0];
      int g = bandOffsets[1];
      int b = bandOffsets[2];
      for (int y = 0; y < h; y++) {
        int p = base + y * scanline;
        for (int x = 0; x < w; x++, p += pixelStride, o += 3) {
          out[o] = data[p + r];
          out[o + 1] = data[p + g];
          out[o + 2] = data[p + b];
        }
      }
    }
    return true;
  }

  private static void expandPalette(Raster raster, IndexColorModel icm, byte[] out) {
    int size = icm.getMapSize();
    // Pillow's palette starts as a grey ramp and the file's entries overwrite the first ones.
    byte[] reds = new byte[Math.max(256, size)];
    byte[] greens = new byte[reds.length];
    byte[] blues = new byte[reds.length];
    for (int i = size; i < reds.length; i++) {
      reds[i] = greens[i] = blues[i] = (byte) i;
    }
    byte[] tmp = new byte[size];
    icm.getReds(tmp);
    System.arraycopy(tmp, 0, reds, 0, size);
    icm.getGreens(tmp);
    System.arraycopy(tmp, 0, greens, 0, size);
    icm.getBlues(tmp);
    System.arraycopy(tmp, 0, blues, 0, size);
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] row = new int[w];
    int limit = reds.length - 1;
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      int o = y * w * 3;
      for (int x = 0; x < w; x++, o += 3) {
        int i = Math.min(row[x], limit);
        out[o] = reds[i];
        out[o + 1] = greens[i];
        out[o + 2] = blues[i];
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // GIF

  /**
   * Pillow's first GIF frame: a canvas of the logical screen size (grown to hold the frame if it
   * sticks out), filled with the frame's transparency index or else index 0, with the frame pasted
   * at its offset, then expanded through the frame's palette. ImageIO returns just the frame.
   */
  private static RgbImage gifFirstFrameOnCanvas(
      byte[] encoded, Raster frame, ColorModel cm, String name) throws ImageDecodeException {
    GifLayout layout = GifLayout.parse(encoded);
    int fw = frame.getWidth();
    int fh = frame.getHeight();
    if (layout == null
        || !(cm instanceof IndexColorModel icm)
        || (layout.left == 0 && layout.top == 0 && fw >= layout.screenW && fh >= layout.screenH)) {
      return toRgb(frame, cm, false, name);
    }
    int cw = Math.max(layout.screenW, layout.left + fw);
    int ch = Math.max(layout.screenH, layout.top + fh);
    checkSize(cw, ch, Format.GIF, name);
    WritableRaster canvas = icm.createCompatibleWritableRaster(cw, ch);
    int fill = Math.max(layout.transparentIndex, 0);
    if (fill != 0) {
      int[] row = new int[cw];
      Arrays.fill(row, fill);
      for (int y = 0; y < ch; y++) {
        canvas.setSamples(0, y, cw, 1, 0, row);
      }
    }
    int[] row = new int[fw];
    for (int y = 0; y < fh; y++) {
      frame.getSamples(frame.getMinX(), frame.getMinY() + y, fw, 1, 0, row);
      canvas.setSamples(layout.left, layout.top + y, fw, 1, 0, row);
    }
    return toRgb(canvas, icm, false, name);
  }

  /** Logical screen and first image descriptor of a GIF, read from the bytes. */
  record GifLayout(int screenW, int screenH, int left, int top, int transparentIndex) {

    /** Parses up to the first image descriptor; {@code null} if the structure is unexpected. */
    static GifLayout parse(byte[] b) {
      if (b.length < 13) {
        return null;
      }
      int screenW = u16le(b, 6);
      int screenH = u16le(b, 8);
      int p = 13;
      if ((b[10] & 0x80) != 0) {
        p += 3 * (2 << (b[10] & 7));
      }
      int transparent = -1;
      while (p < b.length) {
        int block = b[p] & 0xFF;
        if (block == 0x2C) {
          if (p + 5 > b.length) {
            return null;
          }
          return new GifLayout(screenW, screenH, u16le(b, p + 1), u16le(b, p + 3), transparent);
        }
        if (block != 0x21 || p + 2 >= b.length) {
          return null;
        }
        int label = b[p + 1] & 0xFF;
        if (label == 0xF9 && p + 6 < b.length && (b[p + 2] & 0xFF) == 4) {
          transparent = (b[p + 3] & 1) != 0 ? b[p + 6] & 0xFF : -1;
        }
        p += 2;
        while (p < b.length && b[p] != 0) {
          p += (b[p] & 0xFF) + 1;
        }
        p++; // block terminator
      }
      return null;
    }

    private static int u16le(byte[] b, int i) {
      return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CMYK / YCCK JPEG

  static RgbImage decodeFourChannelJpeg(byte[] encoded, String name)
      throws IOException, ImageDecodeException {
    ImageReader reader = readerFor(Format.JPEG, name);
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = stream(encoded)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(collect(warnings));
      Raster raster = reader.readRaster(0, null);
      failOnTruncation(warnings, Format.JPEG, name);
      if (raster.getNumBands() != 4) {
        throw new ImageDecodeException(
            Reason.UNSUPPORTED_FORMAT,
            name,
            "jpeg with " + raster.getNumBands() + " components is not supported");
      }
      return cmykToRgb(
          raster, adobeTransform(encoded) == 2 ? CmykSamples.RAW_YCCK : CmykSamples.RAW_CMYK);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The transform byte of the first Adobe APP14 segment (0 = CMYK/RGB, 1 = YCbCr, 2 = YCCK), or -1
   * when there is none before the first SOF.
   */
  static int adobeTransform(byte[] b) {
    int p = 2;
    while (p + 4 <= b.length) {
      if ((b[p] & 0xFF) != 0xFF) {
        return -1;
      }
      int marker = b[p + 1] & 0xFF;
      if (marker == 0xFF) {
        p++; // fill byte
        continue;
      }
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        p += 2;
        continue;
      }
      int len = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
      if (marker == 0xDA
          || (marker >= 0xC0
              && marker <= 0xCF
              && marker != 0xC4
              && marker != 0xC8
              && marker != 0xCC)) {
        return -1; // reached a frame or scan header without an Adobe segment
      }
      if (marker == 0xEE
          && len >= 12
          && p + 4 + 11 < b.length
          && startsWith(b, p + 4, 'A', 'd', 'o', 'b', 'e')) {
        return b[p + 4 + 11] & 0xFF;
      }
      p += 2 + len;
    }
    return -1;
  }

  /** What the four bands of a CMYK JPEG raster hold. */
  enum CmykSamples {
    /** {@code ImageReader.readRaster} of a CMYK JPEG: stored (Adobe-inverted) CMYK. */
    RAW_CMYK,
    /** {@code ImageReader.readRaster} of an Adobe YCCK JPEG: unconverted Y, Cb, Cr, K. */
    RAW_YCCK,
    /** {@code ImageReader.read}: the JDK already converted YCCK and inverted, like Pillow. */
    INVERTED
  }

  /**
   * 4-component JPEG samples to RGB as Pillow does: YCCK to CMYK with libjpeg's tables, invert
   * (Adobe polarity, Pillow's rawmode {@code CMYK;I}), then Pillow's {@code cmyk2rgb}.
   */
  static RgbImage cmykToRgb(Raster raster, CmykSamples samples) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] out = new byte[w * h * 3];
    int[] px = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, px);
      int o = y * w * 3;
      for (int x = 0; x < w; x++, o += 3) {
        int s0 = px[x * 4];
        int s1 = px[x * 4 + 1];
        int s2 = px[x * 4 + 2];
        int s3 = px[x * 4 + 3];
        int c;
        int m;
        int ye;
        int k;
        if (samples == CmykSamples.INVERTED) {
          c = s0;
          m = s1;
          ye = s2;
          k = s3;
        } else if (samples == CmykSamples.RAW_YCCK) {
          // libjpeg ycck_cmyk_convert stores 255 - RGB(YCC); Pillow then inverts it back.
          c = clamp255(s0 + YccTables.CR_R[s2]);
          m = clamp255(s0 + ((YccTables.CB_G[s1] + YccTables.CR_G[s2]) >> YccTables.SCALEBITS));
          ye = clamp255(s0 + YccTables.CB_B[s1]);
          k = 255 - s3;
        } else {
          c = 255 - s0;
          m = 255 - s1;
          ye = 255 - s2;
          k = 255 - s3;
        }
        int nk = 255 - k;
        out[o] = (byte) clamp255(nk - mulDiv255(c, nk));
        out[o + 1] = (byte) clamp255(nk - mulDiv255(m, nk));
        out[o + 2] = (byte) clamp255(nk - mulDiv255(ye, nk));
      }
    }
    return new RgbImage(w, h, out);
  }

  /** Pillow's MULDIV255: {@code a * b / 255} rounded to nearest, in integers. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  private static int clamp255(int v) {
    return v < 0 ? 0 : (v > 255 ? 255 : v);
  }

  /** libjpeg's {@code build_ycc_rgb_table} (jdcolor.c), 16 fractional bits. */
  private static final class YccTables {
    static final int SCALEBITS = 16;
    static final int[] CR_R = new int[256];
    static final int[] CB_B = new int[256];
    static final int[] CR_G = new int[256];
    static final int[] CB_G = new int[256];

    static {
      int half = 1 << (SCALEBITS - 1);
      for (int i = 0; i < 256; i++) {
        int x = i - 128;
        CR_R[i] = (fix(1.40200) * x + half) >> SCALEBITS;
        CB_B[i] = (fix(1.77200) * x + half) >> SCALEBITS;
        CR_G[i] = -fix(0.71414) * x;
        CB_G[i] = -fix(0.34414) * x + half;
      }
    }

    private static int fix(double v) {
      return (int) (v * (1 << SCALEBITS) + 0.5);
    }
  }
}
