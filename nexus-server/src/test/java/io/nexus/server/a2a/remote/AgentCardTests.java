package io.nexus.server.a2a.remote;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reading remote agents' cards: the JSON-RPC interface, streaming, and skill ids as
 * capability names; cards Nexus cannot use are refused with a reason.
 */
class AgentCardTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	@Test
	void readsTheJsonRpcInterfaceStreamingAndSkillsAsCapabilities() {
		AgentCard card = AgentCard.read(JSON.readTree("""
				{"name": " Translator ", "capabilities": {"streaming": true},
				 "supportedInterfaces": [
				   {"url": "https://t.example.com/grpc", "protocolBinding": "GRPC", "protocolVersion": "1.0"},
				   {"url": "https://t.example.com/v03", "protocolBinding": "JSONRPC", "protocolVersion": "0.3"},
				   {"url": "https://t.example.com/rpc", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
				 "skills": [{"id": "translate text"}, {"id": "summarize"}, {"id": "summarize"}, {"name": "no id"}]}
				"""));
		assertThat(card.name()).isEqualTo("Translator");
		assertThat(card.rpcUrl()).hasToString("https://t.example.com/rpc");
		assertThat(card.streaming()).isTrue();
		assertThat(card.capabilities()).containsExactly("translate-text", "summarize");
		assertThat(AgentCard.capability("x".repeat(80))).hasSize(64);
		assertThat(AgentCard.capability("-leading")).isNull();
	}

	@Test
	void refusesCardsWithoutNameJsonRpcInterfaceOrSkills() {
		assertThatThrownBy(() -> AgentCard.read(JSON.readTree("[]"))).hasMessageContaining("not a JSON object");
		assertThatThrownBy(() -> AgentCard.read(JSON.readTree("{\"skills\": [{\"id\": \"a\"}]}")))
			.hasMessageContaining("no name");
		assertThatThrownBy(() -> AgentCard.read(JSON.readTree("""
				{"name": "n", "skills": [{"id": "a"}],
				 "supportedInterfaces": [{"url": "https://x/rpc", "protocolBinding": "HTTP+JSON"}]}
				"""))).hasMessageContaining("JSON-RPC interface");
		assertThatThrownBy(() -> AgentCard.read(JSON.readTree("""
				{"name": "n", "skills": [{"id": "a"}],
				 "supportedInterfaces": [{"url": "ftp://x/rpc", "protocolBinding": "JSONRPC"}]}
				"""))).hasMessageContaining("http(s)");
		assertThatThrownBy(() -> AgentCard.read(JSON.readTree("""
				{"name": "n", "skills": [],
				 "supportedInterfaces": [{"url": "https://x/rpc", "protocolBinding": "JSONRPC"}]}
				"""))).hasMessageContaining("no skills");
	}

}
