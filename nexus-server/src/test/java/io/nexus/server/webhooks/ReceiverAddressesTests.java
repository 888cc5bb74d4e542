package io.nexus.server.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which receiver addresses are refused, and what the allow-list lets through.
 */
class ReceiverAddressesTests {

	@Test
	void privateLoopbackLinkLocalMulticastAndUnspecifiedAddressesAreNotPublic() throws UnknownHostException {
		for (String address : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254",
				"224.0.0.1", "0.0.0.0", "255.255.255.255", "100.64.0.1", "::1", "::", "fe80::1", "fd00::1", "ff02::1",
				"::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::")) {
			assertThat(ReceiverAddresses.isPublic(InetAddress.getByName(address))).as(address).isFalse();
		}
		for (String address : List.of("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1")) {
			assertThat(ReceiverAddresses.isPublic(InetAddress.getByName(address))).as(address).isTrue();
		}
	}

	@Test
	void theAllowListLetsItsNetworksThrough() {
		ReceiverAddresses loopback = new ReceiverAddresses(properties(List.of("127.0.0.0/8", "10.1.0.0/16")));
		assertThat(loopback.refusal(URI.create("http://127.0.0.1:8080/hook"))).isEmpty();
		assertThat(loopback.refusal(URI.create("http://10.1.200.3/hook"))).isEmpty();
		assertThat(loopback.refusal(URI.create("http://10.2.0.1/hook"))).get().asString().contains("10.2.0.1");
		assertThat(loopback.refusal(URI.create("http://[::1]/hook"))).isPresent();
		ReceiverAddresses none = new ReceiverAddresses(properties(List.of()));
		assertThat(none.refusal(URI.create("http://127.0.0.1/hook"))).isPresent();
	}

	@Test
	void networksMatchByPrefix() throws UnknownHostException {
		Network network = Network.parse("192.168.16.0/20");
		assertThat(network.contains(InetAddress.getByName("192.168.31.255"))).isTrue();
		assertThat(network.contains(InetAddress.getByName("192.168.32.0"))).isFalse();
		assertThat(network.contains(InetAddress.getByName("::1"))).isFalse();
		assertThat(Network.parse("::1").contains(InetAddress.getByName("::1"))).isTrue();
	}

	static WebhookProperties properties(List<String> allowed) {
		return new WebhookProperties(true, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofDays(1),
				Duration.ofHours(1), Duration.ofDays(1), allowed, 10, Duration.ofMinutes(15), Duration.ofSeconds(30));
	}

}
