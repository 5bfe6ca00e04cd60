package io.quarkiverse.kafkaevents.deployment.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Kebab case and English plurals for topic base names.
 */
public class TopicNamingTest {

    @Test
    void kebabSplitsCamelCase() {
        assertEquals("order-line", TopicNaming.kebab("OrderLine"));
    }

    @Test
    void kebabKeepsAcronymsTogether() {
        assertEquals("http-request", TopicNaming.kebab("HTTPRequest"));
    }

    @Test
    void kebabLowerCasesASingleWord() {
        assertEquals("cashier", TopicNaming.kebab("Cashier"));
    }

    @Test
    void kebabTurnsUnderscoresIntoHyphens() {
        assertEquals("order-line", TopicNaming.kebab("order_line"));
    }

    @Test
    void pluralizeAddsS() {
        assertEquals("cashiers", TopicNaming.pluralize("cashier"));
    }

    @Test
    void pluralizeOnlyTheLastWord() {
        assertEquals("order-lines", TopicNaming.pluralize("order-line"));
    }

    @Test
    void pluralizeConsonantYToIes() {
        assertEquals("categories", TopicNaming.pluralize("category"));
    }

    @Test
    void pluralizeVowelYToYs() {
        assertEquals("keys", TopicNaming.pluralize("key"));
    }

    @Test
    void pluralizeXToXes() {
        assertEquals("boxes", TopicNaming.pluralize("box"));
    }

    @Test
    void pluralizeSsToSses() {
        assertEquals("addresses", TopicNaming.pluralize("address"));
    }

    @Test
    void pluralizeIrregular() {
        assertEquals("people", TopicNaming.pluralize("person"));
    }

    @Test
    void pluralizeKeepsAPlural() {
        assertEquals("orders", TopicNaming.pluralize("orders"));
    }

    @Test
    void pluralizeKeepsAPluralLastWord() {
        assertEquals("invoice-events", TopicNaming.pluralize("invoice-events"));
    }
}
