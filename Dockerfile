# syntax=docker/dockerfile:1
# offerapi-server, its scorer plugins and finops-report on Debian 12.
#
#   docker build -t registry.example.com/offreapi/offerapi:0.1.0 .
#
# Stage 1 builds with meson from Debian's -dev packages; stage 2 holds only
# the runtime libraries (checked with ldd on the built binaries; libarchive13
# is opened with dlopen on the first data export, libpq5 on the first
# PostgreSQL connection, libcurl4 for the first mail or webhook, so ldd does
# not list them for libofferapi: libcurl4 still shows through finops-report
# and scorer-llm)
# and the installed tree. Without a Docker engine, tests/k8s/image-build.sh and
# image-runtime.sh (meson test --suite k8s-image) perform these stages'
# steps, read from this file, in debootstrapped Debian 12 roots and start
# the server there.

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gcc libc6-dev meson ninja-build pkg-config \
      libcivetweb-dev libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev \
      libjbig2dec0-dev libjpeg-dev libfreetype-dev libharfbuzz-dev zlib1g-dev \
      libjansson-dev libcurl4-openssl-dev libpq-dev libsqlite3-dev \
      libsodium-dev libarchive-dev libstemmer-dev libunistring-dev libpwquality-dev python3-yaml \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# --libdir=lib: without dpkg-dev meson would pick lib64, which Debian's
# dynamic loader does not search; /usr/lib it always does, on every
# architecture (plugins then live in /usr/lib/offerapi/scorers).
RUN meson setup /build --prefix=/usr --libdir=lib --buildtype=release -Dtests=false \
 && ninja -C /build \
 && DESTDIR=/install meson install -C /build --no-rebuild \
 && rm -rf /install/usr/include /install/usr/lib/pkgconfig /install/usr/lib/libofferapi.so

FROM debian:bookworm-slim AS runtime
# BEGIN runtime packages (read by tests/k8s/image-runtime.sh)
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      libcivetweb1 libpq5 libsqlite3-0 libsodium23 libarchive13 libjansson4 libcurl4 \
      libstemmer0d libunistring2 \
      libpwquality1 cracklib-runtime wfrench \
      libmujs2 libgumbo1 libopenjp2-7 libjbig2dec0 libjpeg62-turbo \
      libfreetype6 libharfbuzz0b zlib1g \
      dict-freedict-fra-eng dict-freedict-eng-fra \
 && rm -rf /var/lib/apt/lists/*
# END runtime packages
RUN groupadd --system --gid 10001 offerapi \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin offerapi
COPY --from=build /install/usr/ /usr/
RUN ldconfig
# Configuration comes from OFFERAPI_* variables (docs/server.md); these
# defaults run a self-contained demo with `docker run -p 8080:8080 IMAGE
# --demo`; Kubernetes sets the database URL and the rest.
ENV OFFERAPI_LISTEN=0.0.0.0:8080 \
    OFFERAPI_DATABASE_URL=sqlite:/tmp/offerapi.db
# glibc's malloc without its per-thread caches: 2-3 MiB less resident with
# the server's 64 worker threads (docs/deployment.md, bench/http/README.md).
ENV GLIBC_TUNABLES=glibc.malloc.tcache_count=0
WORKDIR /tmp
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/bin/offerapi-server"]
