# Product binaries only (the emulator is for tests and the offline demo).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/starter ./starter && CGO_ENABLED=0 go build -o /out/workers ./workers

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /usr/local/bin/
# The source worker's private work directory (0700, its own user): a named volume mounted
# here starts as a copy of it. HOME and XDG_CACHE_HOME place the default work_dir on it.
RUN mkdir -p /var/lib/snowmigrate && chown 65532:65532 /var/lib/snowmigrate && chmod 700 /var/lib/snowmigrate
ENV HOME=/var/lib/snowmigrate XDG_CACHE_HOME=/var/lib/snowmigrate/cache
USER 65532:65532
ENTRYPOINT []
