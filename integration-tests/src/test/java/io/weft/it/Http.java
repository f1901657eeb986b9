package io.weft.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Plain HTTP GETs for tests that read the status UI. */
final class Http {

    private Http() {
    }

    static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(10_000);
        int status;
        try {
            status = connection.getResponseCode();
        } catch (IOException e) {
            throw new IOException("GET " + url + " failed: " + e, e);
        }
        if (status != 200) {
            throw new IOException("GET " + url + " returned " + status);
        }
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode json(String url) throws IOException {
        return new ObjectMapper().readTree(get(url));
    }
}
