using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebhookDispatcher.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebhookDispatcher.Tests.Browser;

/// <summary>
/// The Aspire dashboard (13.6) as the tests find their way around it. Its element ids are generated per render, so
/// everything is found by what the dashboard itself marks: roles, titles, names and classes, read off its DOM.
/// </summary>
public static partial class AspireDashboard
{
    /// <summary>Opens the login link (it sets the dashboard's auth cookie) and waits for the Resources page behind it.</summary>
    public static async Task LogInAsync(BrowserSession session, BrowserAppFixture app)
    {
        await session.GotoAsync(app.DashboardLoginUrl);
        await Expect(session.Page).Not.ToHaveURLAsync(LoginPage());
        await Expect(session.Page.Locator(".resource-name-text").First).ToBeVisibleAsync();
    }

    /// <summary>Follows a link of the dashboard's side bar: "traces", "structuredlogs", "metrics".</summary>
    public static async Task NavigateAsync(IPage page, string section)
    {
        await page.Locator($"a[href='/{section}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/{section}$"));
    }

    /// <summary>A resource's row on the Resources page, by the name the grid shows.</summary>
    public static ILocator ResourceRow(IPage page, string resource) =>
        page.Locator("tr.resource-row").Filter(new() { Has = page.Locator($".resource-name-text:text-is('{resource}')") });

    /// <summary>
    /// The state the row's State column shows. A running resource whose health checks do not all pass shows
    /// "Running (Unhealthy)" with a warning icon; a healthy one just "Running", its icon in the success colour.
    /// </summary>
    public static ILocator StateText(ILocator resourceRow) => resourceRow.Locator(".state-column-cell > span").First;

    public static ILocator StateIcon(ILocator resourceRow) => resourceRow.Locator(".state-column-cell svg.severity-icon");

    /// <summary>A value in the details pane that opens beside the grid (Display name, State, Health state, …).</summary>
    public static ILocator DetailsValue(IPage page, string property) =>
        page.Locator(".details-container tr")
            .Filter(new() { Has = page.Locator($"td.nameColumn span.grid-value[title='{property}']") })
            .Locator("td.valueColumn span.grid-value");

    /// <summary>
    /// Runs one of a resource's commands from its "..." (Actions) menu: the AppHost's own commands are under
    /// Commands there. Waits for the dashboard's toast saying it succeeded.
    /// </summary>
    public static async Task RunCommandAsync(IPage page, string resource, string command)
    {
        var actions = ResourceRow(page, resource).GetByRole(AriaRole.Button, new() { Name = "Actions", Exact = true });
        var commands = page.GetByRole(AriaRole.Menuitem, new() { Name = "Commands", Exact = true });
        var item = page.GetByRole(AriaRole.Menuitem, new() { Name = command, Exact = true });
        // The grid re-renders as resource states change, which can close an open menu: open it again until the
        // command's item has been clicked, and click it once only.
        var clicked = false;
        await EngineAppFixture.EventuallyAsync(async () =>
        {
            try
            {
                if (!await commands.IsVisibleAsync())
                {
                    await actions.ClickAsync(new() { Timeout = 5_000 });
                }
                await commands.ClickAsync(new() { Timeout = 5_000 });
                await item.ClickAsync(new() { Timeout = 5_000 });
                clicked = true;
            }
            catch (PlaywrightException)
            {
                // A menu closed under the pointer; the next round opens it again.
            }
            return clicked;
        }, $"{resource}'s {command} command is clicked", ChromiumFixture.Patience);
        await Expect(page.GetByText($"{resource} \"{command}\" succeeded")).ToBeVisibleAsync();
    }

    /// <summary>Picks a resource in the Resource drop-down of the Traces, Structured logs or Metrics page.</summary>
    public static async Task SelectResourceAsync(IPage page, string resource)
    {
        var dropdown = page.Locator("fluent-dropdown[aria-label='Select a resource']");
        var option = page.Locator($"fluent-option[text='{resource}']");
        var picked = new Regex($"/resource/{Regex.Escape(resource)}(\\?|$)");
        // The page re-renders as telemetry streams in, and a re-render can close the open list under the pointer:
        // open it again until the pick has landed (the page's address then names the resource).
        await EngineAppFixture.EventuallyAsync(async () =>
        {
            if (!picked.IsMatch(page.Url))
            {
                if (!await option.IsVisibleAsync())
                {
                    await dropdown.ClickAsync();
                }
                try
                {
                    await option.ClickAsync(new() { Timeout = 5_000 });
                }
                catch (PlaywrightException)
                {
                    // The list closed before the click; the next round opens it again.
                }
            }
            return picked.IsMatch(page.Url);
        }, $"the {resource} resource is picked", ChromiumFixture.Patience);
    }

    /// <summary>The text filter of the Traces page (it matches trace names, not ids).</summary>
    public static ILocator TraceNameFilter(IPage page) => page.Locator("input[name='traces-search']");

    /// <summary>A trace's row on the Traces page: its name cell's title carries the full trace id.</summary>
    public static ILocator TraceRow(IPage page, string traceId) =>
        page.Locator("tr.fluent-data-grid-row").Filter(new() { Has = page.Locator($"td[title*='Trace Id: {traceId}']") });

    /// <summary>
    /// The span rows of a trace's detail page, in the order the page lists them (each under its parent), each as its
    /// name cell's title: "{resource}: {span name}".
    /// </summary>
    public static ILocator SpanNameCells(IPage page) => page.Locator("tr.fluent-data-grid-row td.expand-col[col-index='1']");

    /// <summary>The message filter of the Structured logs page.</summary>
    public static ILocator LogMessageFilter(IPage page) => page.Locator("input[name='structured-logs-search']");

    /// <summary>The rows the Structured logs page lists (those that have a message cell: not the header).</summary>
    public static ILocator LogRows(IPage page) =>
        page.Locator("tr.fluent-data-grid-row").Filter(new() { Has = page.Locator("td span.grid-value") });

    /// <summary>A structured log's message cell, in a row of the given level (the row's class is log-row-{level}).</summary>
    public static ILocator LogMessages(IPage page, string level) => page.Locator($"tr.log-row-{level} td span.grid-value");

    [GeneratedRegex("/login")]
    private static partial Regex LoginPage();
}
