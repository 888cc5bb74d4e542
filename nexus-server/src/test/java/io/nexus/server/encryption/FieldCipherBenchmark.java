package io.nexus.server.encryption;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * The cost of encryption at rest per task value: encrypt and decrypt a 4 KiB JSON
 * payload, with a key and without (the same-run baseline). Not a test; docs/benchmarks.md
 * has the command and the figures.
 */
public final class FieldCipherBenchmark {

	private FieldCipherBenchmark() {
	}

	public static void main(String[] args) {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		FieldCipher on = FieldCipher.of("bench:" + Base64.getEncoder().encodeToString(key), List.of());
		FieldCipher off = FieldCipher.of(null, List.of());
		StringBuilder json = new StringBuilder("{\"data\":\"");
		while (json.length() < 4094) {
			json.append('x');
		}
		String payload = json.append("\"}").toString();
		int ops = 200_000;
		for (int round = 1; round <= 5; round++) {
			for (FieldCipher cipher : List.of(off, on)) {
				long sink = 0;
				long start = System.nanoTime();
				for (int i = 0; i < ops; i++) {
					String row = "task_" + (i & 1023);
					FieldCipher.Sealed sealed = cipher.seal(payload, "tasks.payload", row);
					sink += cipher.open(sealed.value(), sealed.keyId(), "tasks.payload", row).length();
				}
				double micros = (System.nanoTime() - start) / 1000.0 / ops;
				System.out.printf("round %d, %s: %.2f us per encrypt+decrypt of %d bytes (check %d)%n", round,
						cipher.enabled() ? "with key" : "no key  ", micros, payload.length(), sink);
			}
		}
	}

}
