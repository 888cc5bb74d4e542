package io.nexus.server.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.nexus.server.shared.InvalidRequestException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where webhooks may go: http(s) URLs of at most {@value #MAX_URL_LENGTH} characters
 * whose host resolves only to public addresses, or to addresses in
 * {@code nexus.webhooks.allowed-networks}. Checked when a subscription is saved and again
 * before each attempt, after resolving the host anew, so that a name that later resolves
 * to an internal address (DNS rebinding) is refused then. Other modules that send through
 * the outbox (A2A push configs) check their URLs here too.
 */
@Component
public class ReceiverAddresses {

	/** The longest URL. */
	public static final int MAX_URL_LENGTH = 2048;

	/**
	 * Addresses that are not public though Java's address predicates miss them: "this
	 * network", carrier-grade NAT, benchmarking, IETF protocol assignments, the
	 * documentation blocks, reserved and broadcast, and IPv6 unique local, documentation
	 * and NAT64/6to4 prefixes that can lead back inside.
	 */
	private static final List<Network> NOT_PUBLIC = List
		.of("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
				"203.0.113.0/24", "240.0.0.0/4", "fc00::/7", "2001:db8::/32", "64:ff9b::/96", "2002::/16", "100::/64")
		.stream()
		.map(Network::parse)
		.toList();

	private final List<Network> allowed;

	private final String allowSetting;

	@Autowired
	ReceiverAddresses(WebhookProperties properties) {
		this(properties.allowedNetworks(), "nexus.webhooks.allowed-networks");
	}

	private ReceiverAddresses(List<String> allowedNetworks, String allowSetting) {
		this.allowed = allowedNetworks.stream().map(Network::parse).toList();
		this.allowSetting = allowSetting;
	}

	/**
	 * The same rules for other outbound calls, with an allow list of their own.
	 * @param allowedNetworks the networks (CIDR) allowed although not public
	 * @param allowSetting the setting that holds them, named in refusals
	 * @return the rules
	 * @throws IllegalArgumentException if a network is not a valid CIDR block
	 */
	public static ReceiverAddresses allowing(List<String> allowedNetworks, String allowSetting) {
		return new ReceiverAddresses(allowedNetworks, allowSetting);
	}

	/**
	 * Checks a URL for a subscription.
	 * @param url the URL
	 * @return the URL, parsed
	 * @throws InvalidRequestException (422, naming the field {@code url}) if it is too
	 * long, not http(s), or points at a forbidden or unknown host
	 */
	public URI validate(String url) {
		return validate(url, "url", "webhook_url");
	}

	/**
	 * Checks a URL for an outbound call.
	 * @param url the URL
	 * @param field the request field that holds it, named in the problem
	 * @param problem the problem code's stem: {@code <stem>_invalid} or
	 * {@code <stem>_forbidden}
	 * @return the URL, parsed
	 * @throws InvalidRequestException (422) if it is too long, not http(s), or points at
	 * a forbidden or unknown host
	 */
	public URI validate(String url, String field, String problem) {
		if (url.length() > MAX_URL_LENGTH) {
			throw invalid(problem + "_invalid", field + ": at most " + MAX_URL_LENGTH + " characters", field);
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw invalid(problem + "_invalid", field + ": not a valid URL", field);
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw invalid(problem + "_invalid", field + ": only http and https URLs are allowed", field);
		}
		if (uri.getHost() == null || uri.getHost().isEmpty()) {
			throw invalid(problem + "_invalid", field + ": the URL has no host", field);
		}
		if (uri.getRawUserInfo() != null) {
			throw invalid(problem + "_invalid", field + ": credentials in the URL are not allowed", field);
		}
		if (uri.getRawFragment() != null) {
			throw invalid(problem + "_invalid", field + ": a fragment is not allowed", field);
		}
		refusal(uri).ifPresent((reason) -> {
			throw invalid(problem + "_forbidden", field + ": " + reason, field);
		});
		return uri;
	}

	/**
	 * Resolves a URL's host now and checks every address it has.
	 * @param uri the URL
	 * @return why it may not be called, or empty if it may
	 */
	public Optional<String> refusal(URI uri) {
		String host = uri.getHost();
		if (host == null) {
			return Optional.of("the URL has no host");
		}
		InetAddress[] addresses;
		try {
			addresses = InetAddress.getAllByName(host);
		}
		catch (UnknownHostException ex) {
			return Optional.of("the host " + host + " does not resolve");
		}
		for (InetAddress address : addresses) {
			if (!isPublic(address) && this.allowed.stream().noneMatch((network) -> network.contains(address))) {
				return Optional.of("the host " + host + " resolves to " + address.getHostAddress()
						+ ", which is not a public address (see " + this.allowSetting + ")");
			}
		}
		return Optional.empty();
	}

	static boolean isPublic(InetAddress address) {
		if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
				|| address.isMulticastAddress() || address.isAnyLocalAddress()) {
			return false;
		}
		byte[] bytes = address.getAddress();
		if (bytes.length == 4 && (bytes[0] & 0xff) == 255) {
			return false;
		}
		if (bytes.length == 16 && isMappedOrCompatible(bytes)) {
			return false;
		}
		return NOT_PUBLIC.stream().noneMatch((network) -> network.contains(address));
	}

	/** IPv4-compatible or IPv4-mapped IPv6 addresses that Java did not turn into IPv4. */
	private static boolean isMappedOrCompatible(byte[] bytes) {
		for (int i = 0; i < 10; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return (bytes[10] == 0 && bytes[11] == 0) || (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff);
	}

	private static InvalidRequestException invalid(String code, String message, String field) {
		return InvalidRequestException.unprocessable(code, message, Map.of("field", field));
	}

}
