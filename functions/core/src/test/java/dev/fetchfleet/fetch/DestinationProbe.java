package dev.fetchfleet.fetch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fetchfleet.Json;
import dev.fetchfleet.bronze.BronzeRecord;
import dev.fetchfleet.bronze.RunRef;
import dev.fetchfleet.job.FetchConfig;
import dev.fetchfleet.job.RequestSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link DestinationGuardTest} inside an empty network namespace whose loopback device also holds
 * 169.254.169.254 (a stand-in metadata service), 10.1.2.3 (a private host) and whose /etc/hosts names
 * them {@code metadata-rebound.test} and {@code intranet.test}. Fetches each case and prints one JSON
 * line per case, then how often each stand-in was reached. Never run it outside such a namespace.
 */
public final class DestinationProbe {

    private static final ObjectMapper MAPPER = Json.newMapper();
    private static final RunRef RUN = new RunRef("probe", "2026-11-30", "run-1");

    private DestinationProbe() {}

    public static void main(String[] args) throws Exception {
        boolean rawClient = args.length > 0 && args[0].equals("with-raw-client");
        Listener metadata = new Listener("169.254.169.254", "{\"AccessKeyId\":\"ASIA-STOLEN\"}");
        Listener intranet = new Listener("10.1.2.3", "{\"internal\":true}");
        Listener loopback = new Listener("127.0.0.1", "{\"runtime\":\"api\"}");
        InetAddress.getByName("localhost"); // the JVM's first lookup: it loads its resolver now
        print(MAPPER.createObjectNode().put("case", "resolver").put("guardActive", MetadataGuardResolverProvider.active()));

        HttpClient http = Fetcher.newHttpClient(Duration.ofSeconds(10));
        Fetcher deployed = new Fetcher(http, MAPPER, Clock.systemUTC(), SecretReferences.NONE, Destinations.DEPLOYED);
        Fetcher local = new Fetcher(http, MAPPER, Clock.systemUTC(), SecretReferences.NONE, Destinations.LOCAL);
        Fetcher refusing = new Fetcher(http, MAPPER, Clock.systemUTC(), SecretReferences.NONE,
                new Destinations(Destinations.PrivateNetworks.REFUSE));
        FetchConfig plain = config(false, false);

        fetch("metadata-by-name-deployed", deployed, "http://metadata-rebound.test:" + metadata.port() + "/latest/meta-data/", plain);
        fetch("metadata-by-name-local", local, "http://metadata-rebound.test:" + metadata.port() + "/latest/meta-data/", plain);
        fetch("metadata-by-address", deployed, "http://169.254.169.254:" + metadata.port() + "/latest/meta-data/", plain);
        fetch("intranet-deployed", deployed, "http://intranet.test:" + intranet.port() + "/", plain);
        fetch("intranet-deployed-job-allows", deployed, "http://intranet.test:" + intranet.port() + "/", config(false, true));
        fetch("intranet-refusing-job-allows", refusing, "http://intranet.test:" + intranet.port() + "/", config(false, true));
        fetch("loopback-deployed-job-allows", deployed, "http://127.0.0.1:" + loopback.port() + "/", config(false, true));
        fetch("loopback-local", local, "http://127.0.0.1:" + loopback.port() + "/", plain);
        // The control: a job that allows link-local, naming the address, does reach the stand-in.
        fetch("metadata-by-address-job-allows", deployed, "http://169.254.169.254:" + metadata.port() + "/latest/meta-data/",
                config(true, false));
        if (rawClient) {
            // The HTTP client alone, no fetcher check in front of it: only the resolver guard stands in the way.
            ObjectNode line = MAPPER.createObjectNode().put("case", "raw-client-metadata-by-name");
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://metadata-rebound.test:" + metadata.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
                line.put("status", response.statusCode());
            } catch (IOException e) {
                line.put("error", e.toString());
            }
            print(line);
        }
        http.shutdownNow();
        print(MAPPER.createObjectNode().put("case", "hits").put("metadata", metadata.hits()).put("intranet", intranet.hits())
                .put("loopback", loopback.hits()));
        System.exit(0);
    }

    private static FetchConfig config(boolean allowLinkLocal, boolean allowPrivateNetworks) {
        return new FetchConfig(8, new FetchConfig.PerHost(4, 100), Map.of(), 15, new FetchConfig.Retry(1, 10, 10),
                0, List.of(), allowLinkLocal, allowPrivateNetworks);
    }

    private static void fetch(String name, Fetcher fetcher, String url, FetchConfig config) throws IOException {
        FetchReport report = fetcher.fetchAll(RUN, List.of(new RequestSpec(name, "GET", URI.create(url), Map.of(), null)),
                config, Instant.now().plusSeconds(30));
        BronzeRecord record = report.records().getFirst();
        ObjectNode line = MAPPER.createObjectNode().put("case", name);
        line.put("status", record.status());
        line.put("error", record.error());
        line.set("body", record.body());
        print(line);
    }

    private static void print(ObjectNode line) throws IOException {
        System.out.println(MAPPER.writeValueAsString(line));
        System.out.flush();
    }

    /** A bare HTTP/1.1 listener that answers every connection with one JSON body and counts connections. */
    private static final class Listener {
        private final ServerSocket socket;
        private final AtomicInteger hits = new AtomicInteger();

        Listener(String address, String body) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            Thread.ofVirtual().start(() -> {
                while (true) {
                    try (Socket s = socket.accept()) {
                        hits.incrementAndGet();
                        s.getInputStream().read(new byte[8192]);
                        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                        OutputStream out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                                + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(bytes);
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        int hits() {
            return hits.get();
        }
    }
}
