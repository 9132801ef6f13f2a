package io.mfpoauth.admin.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import io.nayuki.qrcodegen.QrCode;

class QrSvgTest {
    private static final String ADDRESS = "https://microsoft.com/devicelogin?otc=ABCD-EFGH";

    private static Document parse(byte[] svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg));
    }

    @Test
    void wellFormedSquareSvgWithOnlyRectAndPath() throws Exception {
        byte[] svg = QrSvg.render(ADDRESS);
        Element root = parse(svg).getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        String[] viewBox = root.getAttribute("viewBox").split(" ");
        assertThat(viewBox[0]).isEqualTo("0");
        assertThat(viewBox[1]).isEqualTo("0");
        assertThat(viewBox[2]).isEqualTo(viewBox[3]);
        assertThat(root.getAttribute("width")).isEqualTo(root.getAttribute("height"));

        NodeList children = root.getChildNodes();
        assertThat(children.getLength()).isEqualTo(2);
        for (int i = 0; i < children.getLength(); i++) {
            assertThat(children.item(i).getNodeType()).isEqualTo(Node.ELEMENT_NODE);
            assertThat(children.item(i).getLocalName()).isIn("rect", "path");
            assertThat(children.item(i).getChildNodes().getLength()).isZero();
        }
        String text = new String(svg, StandardCharsets.UTF_8).toLowerCase();
        assertThat(text).doesNotContain("<script", "href", "javascript", "on" + "load", "<!doctype");
    }

    @Test
    void hasAQuietZoneOfFourModulesAndTheSymbolsSize() throws Exception {
        QrCode qr = QrCode.encodeText(ADDRESS, QrCode.Ecc.MEDIUM);
        Element root = parse(QrSvg.render(ADDRESS)).getDocumentElement();
        int size = Integer.parseInt(root.getAttribute("viewBox").split(" ")[2]);
        assertThat(size).isEqualTo(qr.size + 8);
        Element path = (Element) root.getElementsByTagNameNS("*", "path").item(0);
        int minX = Integer.MAX_VALUE;
        int maxX = 0;
        for (String move : path.getAttribute("d").split("M")) {
            if (!move.isEmpty()) {
                int x = Integer.parseInt(move.substring(0, move.indexOf(',')));
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        assertThat(minX).isEqualTo(QrSvg.QUIET_ZONE);
        assertThat(maxX).isEqualTo(size - QrSvg.QUIET_ZONE - 1);
    }

    @Test
    void anAddressTooLongForAQrCodeIsNotFoundNotAFailure() throws Exception {
        assertThat(TokenApi.qrReply(ADDRESS).contentType()).isEqualTo(QrSvg.CONTENT_TYPE);
        String tooLong = "https://login.example.com/device?code=" + "x".repeat(5_000);
        ApiException e = org.assertj.core.api.Assertions.catchThrowableOfType(ApiException.class,
                () -> TokenApi.qrReply(tooLong));
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.body().toString()).isEqualTo("{\"error\":\"not_found\"}");
    }
}
