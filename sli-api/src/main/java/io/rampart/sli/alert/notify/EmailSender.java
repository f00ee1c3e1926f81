package io.rampart.sli.alert.notify;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.qute.Location;
import io.quarkus.qute.RawString;
import io.quarkus.qute.Template;
import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Email through Quarkus Mailer (SMTP set by the standard {@code QUARKUS_MAILER_*} settings): a
 * plain and an HTML part; the HTML carries the breach notification in the programme's format as
 * {@code <script type="application/json" id="incident-data">} (schema: docs/incident-data.schema.json).
 */
@ApplicationScoped
public class EmailSender implements ChannelSender {

    public static final String TO = "to";

    private static final Logger LOG = Logger.getLogger(EmailSender.class);

    /** An email as it leaves. */
    record Message(String subject, String text, String html) {
    }

    private final ReactiveMailer mailer;
    private final Links links;
    private final Template html;
    private final Template text;
    private final Duration timeout;

    public EmailSender(ReactiveMailer mailer, Links links, @Location("notify/incident.html") Template html,
            @Location("notify/incident.txt") Template text, AlertConfig config) {
        this.mailer = mailer;
        this.links = links;
        this.html = html;
        this.text = text;
        this.timeout = config.delivery().timeout();
    }

    @Override
    public ChannelType type() {
        return ChannelType.EMAIL;
    }

    @Override
    public Uni<Outcome> send(Recipient recipient, Notification notification, Long deliveryId, Instant now) {
        Message message = message(notification);
        List<String> to = recipient.settings().getJsonArray(TO).stream().map(String::valueOf).toList();
        Mail mail = new Mail().setTo(to).setSubject(message.subject()).setText(message.text()).setHtml(message.html());
        if (deliveryId != null) {
            // The same on every retry, so a mailbox can drop a duplicate.
            mail.addHeader("X-Rampart-Delivery", Long.toString(deliveryId));
        }
        return mailer.send(mail)
                .replaceWith(Outcome.SENT)
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("email of channel %s not sent: %s", recipient.channelId(), e.getClass().getName());
                    return Outcome.failed(e instanceof TimeoutException ? "timeout" : e.getClass().getSimpleName(), true);
                });
    }

    /** The whole email: subject, plain part and HTML part with the incident-data block. */
    Message message(Notification notification) {
        Map<String, Object> data = Map.of(
                "n", notification,
                "statusPage", links.statusPage(notification),
                "incident", links.incident(notification),
                "incidentData", new RawString(scriptSafe(notification.programmeFormat().encodePrettily())));
        return new Message("[Rampart] " + notification.summary(), text.data(data).render(), html.data(data).render());
    }

    /** JSON inside a script element: no sequence that could close the element or open a comment. */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }
}
