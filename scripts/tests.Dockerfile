# The image the compose `tests` service runs in: the .NET SDK plus the Debian packages the tests need (PostgreSQL's
# server for the cluster tests, Chromium for the browser tests, npm for the pinned chart libraries). Packages are
# installed here, at build time, so the tests themselves run as an unprivileged user.
FROM mcr.microsoft.com/dotnet/sdk:10.0.100@sha256:c7445f141c04f1a6b454181bd098dcfa606c61ba0bd213d0a702489e5bd4cd71
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql chromium nodejs npm \
 && rm -rf /var/lib/apt/lists/*
