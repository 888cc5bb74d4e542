# Nexus server image, with nexusctl inside for health checks and operations.
#   docker build -t nexus:0.1.0 .
#   docker run -p 4100:4100 -v nexus-data:/data -e NEXUS_ADMIN_PASSWORD=... nexus:0.1.0
# deploy/docker-compose.yml builds and runs it with PostgreSQL, Redis, the gateway and monitoring.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# poms and wrapper first: the dependency download stays cached while only sources change
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY nexus-protocol/pom.xml nexus-protocol/
COPY nexus-agent-sdk/pom.xml nexus-agent-sdk/
COPY nexus-server/pom.xml nexus-server/
COPY nexus-cli/pom.xml nexus-cli/
RUN ./mvnw -B -q -pl nexus-server,nexus-cli -am dependency:go-offline -DexcludeGroupIds=io.nexus || true
COPY . .
RUN ./mvnw -B -q -pl nexus-server,nexus-cli -am package -DskipTests -Djacoco.skip=true

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 nexus \
    && useradd --system --uid 10001 --gid nexus --home-dir /data --shell /usr/sbin/nologin nexus \
    && mkdir -p /data /opt/nexus/bin /opt/nexus/lib \
    && chown nexus:nexus /data
COPY --from=build /src/nexus-server/target/nexus-server.jar /opt/nexus/nexus-server.jar
COPY --from=build /src/nexus-cli/target/nexusctl.jar /opt/nexus/lib/nexusctl.jar
COPY --from=build /src/nexus-cli/bin/nexusctl /opt/nexus/bin/nexusctl
RUN chmod 755 /opt/nexus/bin/nexusctl && ln -s /opt/nexus/bin/nexusctl /usr/local/bin/nexusctl

ENV NEXUS_DATA_DIR=/data \
    PORT=4100 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
VOLUME /data
WORKDIR /opt/nexus
EXPOSE 4100
USER 10001:10001

# No curl or wget needed: bash's /dev/tcp asks /health and expects "HTTP/1.1 200"
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-4100} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200'"]

ENTRYPOINT ["java", "-jar", "/opt/nexus/nexus-server.jar"]
