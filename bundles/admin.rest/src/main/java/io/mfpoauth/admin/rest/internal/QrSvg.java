package io.mfpoauth.admin.rest.internal;

import java.nio.charset.StandardCharsets;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code as SVG: one white {@code rect} for the background with a quiet zone of four modules, and one black
 * {@code path} of the dark modules. Nothing else: no script, no text, no external reference.
 */
final class QrSvg {
    static final String CONTENT_TYPE = "image/svg+xml";
    /** The quiet zone ISO/IEC 18004 asks for, in modules. */
    static final int QUIET_ZONE = 4;

    private QrSvg() {
    }

    /** The SVG of {@code text}, error correction level M (enough for a screen, small enough for a long address). */
    static byte[] render(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int size = qr.size + 2 * QUIET_ZONE;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + QUIET_ZONE).append(',').append(y + QUIET_ZONE).append("h1v1h-1z");
                }
            }
        }
        String svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 " + size + " " + size
                + "\" width=\"" + size * 8 + "\" height=\"" + size * 8 + "\" shape-rendering=\"crispEdges\">"
                + "<rect x=\"0\" y=\"0\" width=\"" + size + "\" height=\"" + size + "\" fill=\"#ffffff\"/>"
                + "<path d=\"" + path + "\" fill=\"#000000\"/></svg>\n";
        return svg.getBytes(StandardCharsets.UTF_8);
    }
}
