package io.nexus.server.a2a.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nexus.server.agents.Agent;
import io.nexus.server.agents.AgentId;
import io.nexus.server.agents.AgentNotFoundException;
import io.nexus.server.agents.AgentRegistry;
import io.nexus.server.agents.NewAgent;
import io.nexus.server.shared.ConflictException;
import io.nexus.server.shared.InvalidRequestException;
import io.nexus.server.webhooks.ReceiverAddresses;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registering, listing and deleting remote A2A agents. Registration checks the card URL
 * against the address rules, fetches the card (on the pool of remote calls, waiting at
 * most the call timeout), reads its skills as capabilities, and stores the agent (in
 * {@code agents}, labelled {@code kind=a2a}) with its card; the node that claims it then
 * connects it.
 */
@Service
class RemoteAgents {

	/** The label every remote A2A agent has. */
	static final String KIND_LABEL = "kind";

	static final String KIND = "a2a";

	/** The most remote agents listed. */
	static final int MAX_LISTED = 1000;

	private final RemoteAgentRows rows;

	private final RemoteCalls calls;

	private final RemoteLinks links;

	private final AgentRegistry registry;

	private final ReceiverAddresses addresses;

	private final TransactionTemplate transaction;

	private final JsonMapper json;

	private final Clock clock;

	RemoteAgents(RemoteAgentRows rows, RemoteCalls calls, RemoteLinks links, AgentRegistry registry,
			RemoteA2aProperties properties, TransactionTemplate transaction, JsonMapper json, Clock clock) {
		this.rows = rows;
		this.calls = calls;
		this.links = links;
		this.registry = registry;
		this.addresses = RemoteLinks.addresses(properties);
		this.transaction = transaction;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Registers a remote agent by its card URL.
	 * @param registration what the operator asked for
	 * @param actor who
	 * @return the agent, stored
	 * @throws InvalidRequestException (422) for a forbidden or invalid URL, a card that
	 * cannot be fetched or is not a usable A2A 1.0 card
	 * @throws ConflictException if the card URL or the id is registered already
	 */
	View register(Registration registration, String actor) {
		URI cardUrl = this.addresses.validate(registration.cardUrl(), "card_url", "a2a_card_url");
		if (this.rows.existsByCardUrl(cardUrl.toString())) {
			throw new ConflictException("a2a_agent_exists", "a remote A2A agent with this card URL is registered",
					Map.of("card_url", cardUrl.toString()));
		}
		RemoteCalls.CardAnswer answer = fetch(cardUrl);
		JsonNode cardJson = answer.card();
		AgentCard card;
		try {
			card = AgentCard.read(cardJson);
		}
		catch (AgentCard.InvalidCardException ex) {
			throw InvalidRequestException.unprocessable("a2a_card_invalid",
					"card_url: not a usable A2A 1.0 agent card: " + ex.getMessage(), Map.of("field", "card_url"));
		}
		this.addresses.refusal(card.rpcUrl()).ifPresent((reason) -> {
			throw InvalidRequestException.unprocessable("a2a_card_url_forbidden",
					"card_url: the card's JSON-RPC interface URL is refused: " + reason, Map.of("field", "card_url"));
		});
		Map<String, String> labels = new LinkedHashMap<>(registration.labels());
		labels.put(KIND_LABEL, KIND);
		String name = (registration.name() != null) ? registration.name().strip() : card.name();
		AgentId id = (registration.id() != null) ? new AgentId(registration.id()) : AgentId.generate();
		Instant now = this.clock.instant();
		this.transaction.executeWithoutResult((status) -> {
			this.registry
				.register(new NewAgent(id, name, card.capabilities(), 0, registration.maxConcurrentTasks(), labels));
			this.rows.insert(new RemoteAgent(id, cardUrl, card.rpcUrl(), card.streaming(),
					this.json.writeValueAsString(cardJson), answer.etag(), registration.authorization(), null, null,
					true, 0, answer.latencyMillis(), now, null, actor, now));
		});
		this.links.wake();
		return get(id);
	}

	private RemoteCalls.CardAnswer fetch(URI cardUrl) {
		try {
			return this.calls.fetchCard(cardUrl, null)
				.get(this.calls.callTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			String reason = (cause instanceof RemoteCalls.RemoteCallException) ? cause.getMessage()
					: "the card could not be fetched (" + ((cause != null) ? cause.getClass().getSimpleName() : "")
							+ ")";
			throw unreachable(String.valueOf(reason));
		}
		catch (TimeoutException ex) {
			throw unreachable("the card URL did not answer within " + this.calls.callTimeout().toSeconds() + "s");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unreachable("interrupted");
		}
	}

	private static InvalidRequestException unreachable(String reason) {
		return InvalidRequestException.unprocessable("a2a_card_unreachable", "card_url: " + reason,
				Map.of("field", "card_url"));
	}

	List<View> list() {
		return this.rows.list(MAX_LISTED).stream().map(this::view).toList();
	}

	View get(AgentId id) {
		return view(this.rows.find(id).orElseThrow(() -> new AgentNotFoundException(id)));
	}

	/**
	 * Deletes a remote agent: its agent, its row, and its connection.
	 * @param id the agent
	 * @param actor who
	 * @return what it was
	 */
	View delete(AgentId id, String actor) {
		View view = get(id);
		this.registry.delete(id, actor);
		this.links.forget(id);
		return view;
	}

	private View view(RemoteAgent remote) {
		Agent agent = this.registry.find(remote.agentId()).orElse(null);
		return new View(remote, agent, this.links.connected(remote.agentId()), this.json.readTree(remote.cardJson()));
	}

	/**
	 * What an operator asks for.
	 *
	 * @param cardUrl the Agent Card URL
	 * @param id an id for the agent, or {@code null} to have one made
	 * @param name a name, or {@code null} for the card's
	 * @param labels labels ({@code kind=a2a} is added)
	 * @param maxConcurrentTasks how many tasks it gets at once
	 * @param authorization the {@code Authorization} value Nexus sends it, or
	 * {@code null}
	 */
	record Registration(String cardUrl, @Nullable String id, @Nullable String name, Map<String, String> labels,
			int maxConcurrentTasks, @Nullable String authorization) {

		@Override
		public String toString() {
			return "Registration[" + this.cardUrl + "]";
		}

	}

	/**
	 * A remote agent with its agent row.
	 *
	 * @param remote the remote agent
	 * @param agent its agent, or {@code null} if it was just deleted
	 * @param connectedHere whether this node holds its connection
	 * @param card its cached card
	 */
	record View(RemoteAgent remote, @Nullable Agent agent, boolean connectedHere, JsonNode card) {

	}

}
