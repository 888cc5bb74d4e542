package io.nexus.server.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A block of addresses in CIDR notation, such as {@code 10.0.0.0/8} or {@code ::1/128}.
 *
 * @param base the first address's bytes
 * @param prefix the number of leading bits that must match
 */
record Network(byte[] base, int prefix) {

	/**
	 * Reads a block; only literal addresses, so that nothing is looked up in DNS.
	 * @param cidr the block, such as {@code 127.0.0.1/32}; without {@code /n} one address
	 * @return the block
	 * @throws IllegalArgumentException if it is not a block
	 */
	static Network parse(String cidr) {
		String text = cidr.strip();
		int slash = text.indexOf('/');
		String address = (slash < 0) ? text : text.substring(0, slash);
		if (address.isEmpty() || !address.matches("[0-9a-fA-F:.]+")) {
			throw new IllegalArgumentException("not an IP address: " + cidr);
		}
		byte[] bytes;
		try {
			bytes = InetAddress.getByName(address).getAddress();
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("not an IP address: " + cidr, ex);
		}
		int prefix = bytes.length * 8;
		if (slash >= 0) {
			try {
				prefix = Integer.parseInt(text.substring(slash + 1));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("not a prefix length: " + cidr, ex);
			}
		}
		if (prefix < 0 || prefix > bytes.length * 8) {
			throw new IllegalArgumentException("prefix length out of range: " + cidr);
		}
		return new Network(bytes, prefix);
	}

	/**
	 * Whether an address is in the block.
	 * @param address the address
	 * @return {@code true} if its leading {@code prefix} bits match
	 */
	boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (bytes.length != this.base.length) {
			return false;
		}
		int whole = this.prefix / 8;
		for (int i = 0; i < whole; i++) {
			if (bytes[i] != this.base[i]) {
				return false;
			}
		}
		int rest = this.prefix % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xff << (8 - rest)) & 0xff;
		return (bytes[whole] & mask) == (this.base[whole] & mask);
	}

}
