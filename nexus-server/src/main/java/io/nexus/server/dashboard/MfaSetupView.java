package io.nexus.server.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.nexus.server.security.MultiFactor;

/**
 * What an enrolment page shows of a new TOTP secret: the secret in groups of four for
 * typing, the {@code otpauth://} URI, and the URI as a QR code. The QR code is drawn
 * here, on the server, as an SVG image in a {@code data:} URI (the pages' content
 * security policy allows those for images), dark on white with a quiet zone so that phone
 * cameras read it whatever the theme.
 *
 * @param secret the base32 secret
 * @param secretGroups the same, in groups of four characters
 * @param otpauthUri the URI for authenticator apps
 * @param qrCode the QR code of the URI, as a {@code data:image/svg+xml} URI
 */
record MfaSetupView(String secret, String secretGroups, String otpauthUri, String qrCode) {

	private static final int QUIET_ZONE = 4;

	@Override
	public String toString() {
		return "MfaSetupView[<redacted>]";
	}

	static MfaSetupView of(MultiFactor.Setup setup) {
		return new MfaSetupView(setup.secret(), setup.secret().replaceAll("(.{4})(?!$)", "$1 "), setup.otpauthUri(),
				qrCode(setup.otpauthUri()));
	}

	static String qrCode(String text) {
		BitMatrix matrix;
		try {
			matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
					Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, QUIET_ZONE,
							EncodeHintType.CHARACTER_SET, "UTF-8"));
		}
		catch (WriterException ex) {
			throw new IllegalStateException("An otpauth URI does not fit in a QR code", ex);
		}
		int width = matrix.getWidth();
		int height = matrix.getHeight();
		StringBuilder path = new StringBuilder();
		for (int y = 0; y < height; y++) {
			int x = 0;
			while (x < width) {
				if (!matrix.get(x, y)) {
					x++;
					continue;
				}
				int start = x;
				while (x < width && matrix.get(x, y)) {
					x++;
				}
				path.append('M')
					.append(start)
					.append(' ')
					.append(y)
					.append('h')
					.append(x - start)
					.append("v1h-")
					.append(x - start)
					.append('z');
			}
		}
		String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + width + " " + height
				+ "\" shape-rendering=\"crispEdges\"><rect width=\"" + width + "\" height=\"" + height
				+ "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
		return "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8));
	}

}
