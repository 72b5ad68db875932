# syntax=docker/dockerfile:1
# The image the cluster side runs (infra/k8s/): the `loadgate` command with
# its bundles, SLO specs and rules, plus real k6 for `loadgate run` (the
# PostSync smoke gate) and k6's own checks. The k6-operator runners use the
# plain grafana/k6 image. Build: docker build -t <registry>/loadgate:<tag> .

# k6, from its official image: one static binary.
FROM grafana/k6:1.0.0 AS k6

# Production dependencies, with the native parts compiled (better-sqlite3, and
# the engine's HTTP addon, native/http1.c, built by the package's install script).
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json binding.gyp ./
COPY native/ native/
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=k6 /usr/bin/k6 /usr/local/bin/k6
WORKDIR /app
COPY --from=deps /app/node_modules/ node_modules/
COPY --from=deps /app/build/ build/
# The sources tsx runs, and what they read at run time: bundles, specs, rules.
COPY package.json ./
COPY bin/ bin/
COPY cli/ cli/
COPY core/ core/
COPY engine/ engine/
COPY report/ report/
COPY run-dir/ run-dir/
COPY slo/ slo/
COPY infra/ infra/
COPY lib/catalogue.ts lib/catalogue.ts
COPY k6-bundles/ k6-bundles/
RUN ln -s /app/bin/loadgate.mjs /usr/local/bin/loadgate
# A numeric user, so Kubernetes can check runAsNonRoot; the manifests run as 10001 too.
RUN groupadd --gid 10001 loadgate && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp loadgate
USER 10001:10001
ENV HOME=/tmp NODE_ENV=production
# loadgate handles SIGTERM itself (a Job's deadline): it stops k6 and still writes results.
ENTRYPOINT ["loadgate"]
