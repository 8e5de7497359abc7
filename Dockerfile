# syntax=docker/dockerfile:1
# Build: docker build -t followup .
# Run:   docker run -p 8080:8080 -v followup-data:/data followup
#        (SQLite in the volume; set DATABASE_URL=postgres://… and
#        FOLLOWUP_JWT_SECRET for PostgreSQL, FOLLOWUP_ENV=production in production)

FROM rust:1.95-slim-bookworm AS build
# libssl-dev: the bundled libpq links OpenSSL (TLS to PostgreSQL); perl and
# make build it; the bundled SQLite needs only the C compiler.
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libssl-dev make perl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY rust-toolchain.toml Cargo.toml Cargo.lock ./
COPY crates crates
COPY migrations migrations
COPY src src
COPY tests tests
RUN cargo build --release --locked --bin followup

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data followup \
    && install -d -o followup -g followup /data
COPY --from=build /src/target/release/followup /usr/local/bin/followup
USER followup
WORKDIR /data
VOLUME ["/data"]
ENV DATABASE_URL=sqlite:///data/followup.db \
    FOLLOWUP_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["followup"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
