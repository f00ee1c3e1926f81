package io.rampart.sli.alert;

import io.rampart.store.testing.PlatformTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Channels of every type over the API, and the emails they send as a vendor's parser reads them. */
final class ChannelTesting {

    /** The published schema of the incident-data block, read from docs/ as a vendor would download it. */
    static final Path SCHEMA = Path.of("..", "docs", "incident-data.schema.json");

    private static final Pattern INCIDENT_DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"incident-data\">(.*?)</script>", Pattern.DOTALL);

    /** An email as a vendor's parser sees it: subject, the plain part, the HTML part and its incident data. */
    record Email(String subject, List<String> to, String contentType, String text, String html, JsonObject incidentData) {
    }

    private ChannelTesting() {
    }

    static String channels(String app) {
        return "/api/v1/apps/" + app + "/notification-channels";
    }

    /** Creates a channel from {@code body} as the app's vendor; answers the created channel. */
    static JsonPath create(String app, Map<String, Object> body) {
        return given().auth().oauth2(PlatformTokens.vendor(app)).contentType(ContentType.JSON).body(body)
                .post(channels(app)).then().statusCode(201).extract().jsonPath();
    }

    static Validator schemaValidator() {
        try {
            JsonObject schema = new JsonObject(Files.readString(SCHEMA));
            return Validator.create(JsonSchema.of(schema),
                    new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://rampart.example/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validates against the schema and fails with the validator's errors. */
    static void assertValid(Validator validator, JsonObject incidentData) {
        OutputUnit result = validator.validate(incidentData);
        assertThat(result.getValid()).as("incident data %s: %s", incidentData, result.getErrors()).isTrue();
    }

    /** Parses a received email's MIME parts. */
    static Email email(MimeMessage message) {
        try {
            String text = null;
            String html = null;
            Object content = message.getContent();
            assertThat(content).as("a multipart email").isInstanceOf(Multipart.class);
            Multipart parts = (Multipart) content;
            for (int i = 0; i < parts.getCount(); i++) {
                BodyPart part = parts.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
            assertThat(text).as("plain part").isNotNull();
            assertThat(html).as("HTML part").isNotNull();
            Matcher block = INCIDENT_DATA.matcher(html);
            assertThat(block.find()).as("incident-data block in %s", html).isTrue();
            List<String> to = Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
            return new Email(message.getSubject(), to, message.getContentType(), text, html,
                    new JsonObject(block.group(1).trim()));
        } catch (IOException | jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The emails GreenMail received for {@code address}, oldest first. */
    static List<Email> emailsTo(String address) {
        return VendorServers.mail().findReceivedMessages(user -> user.getEmail().equals(address), message -> true)
                .map(ChannelTesting::email).toList();
    }
}
