using System.Globalization;
using System.Text;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using WebhookDispatcher.Core.Signing;

namespace WebhookDispatcher.MockReceiver.Services;

/// <summary>
/// Checks a webhook's signatures the way a merchant does: the Standard Webhooks one with a Standard Webhooks
/// library (the StandardWebhooks package), not with the signer that made it, so the tests prove a merchant's own
/// verification accepts what we send; and the seeds' <c>X-Signature</c>, which no library knows, by hand.
/// Both must verify with one of the trusted secrets. X-Signature is sent only to endpoints that ask for it (and the
/// default target), so it is checked when it is there; the Standard Webhooks signature is always required.
/// </summary>
public static class SignatureVerifier
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="tolerance">
    /// How far the timestamp may be from <paramref name="now"/>. The library applies its own fixed 5 minutes on the
    /// system clock as well, so a wider window has no effect.
    /// </param>
    public static bool Verify(IReadOnlyList<WebhookSecret> secrets, IHeaderDictionary headers, byte[] body, DateTimeOffset now, TimeSpan tolerance)
    {
        var webhookId = headers[WebhookSigner.IdHeader].ToString();
        var timestamp = headers[WebhookSigner.TimestampHeader].ToString();
        var legacy = headers[WebhookSigner.LegacySignatureHeader].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }
        string payload;
        try
        {
            // The library signs text; bytes that aren't UTF-8 can't be what was signed.
            payload = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        // While a secret rotates the header holds one signature per secret. StandardWebhooks 1.1.2 compares only
        // the first of several, so each is handed to it alone: any one that verifies will do.
        var signatures = headers[WebhookSigner.SignatureHeader].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var secret in secrets)
        {
            if (legacy.Length > 0 && !WebhookSigner.VerifyLegacy(secret, legacy, body))
            {
                continue;
            }
            var webhook = new StandardWebhook(secret.Key);
            foreach (var signature in signatures)
            {
                if (VerifiesAlone(webhook, webhookId, timestamp, signature, payload))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool VerifiesAlone(StandardWebhook webhook, string webhookId, string timestamp, string signature, string payload)
    {
        var headers = new HeaderDictionary
        {
            [WebhookSigner.IdHeader] = webhookId,
            [WebhookSigner.TimestampHeader] = timestamp,
            [WebhookSigner.SignatureHeader] = signature,
        };
        try
        {
            webhook.Verify(payload, headers);
            return true;
        }
        catch (Exception ex) when (ex is WebhookVerificationException or ArgumentException)
        {
            // The library throws for a refusal, and an ArgumentException for a signature that is only "v1,".
            return false;
        }
    }
}
