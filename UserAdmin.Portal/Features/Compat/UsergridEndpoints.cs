using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Activity;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;

namespace UserAdmin.Portal.Features.Compat;

/// <summary>
/// Usergrid's management API for admin users (<c>/management/…</c>), answered in its envelope
/// <c>{action, status, data | entities, timestamp, duration}</c>. A user is named by username, email or uuid
/// (the portal's account id); <c>{org}</c> is the key's organization, by name or id.
/// </summary>
internal static class UsergridEndpoints
{
    private static readonly UsergridShape Shape = UsergridShape.Instance;

    public static void Map(RouteGroupBuilder management)
    {
        var org = management.MapGroup("/organizations/{org}/users");
        org.MapPost("", CreateAsync);
        // Without a key, the 401 says where the portal's public reset form is: the key stands in for its captcha here.
        var keyless = new KeylessCallerHint(http =>
            $"Requesting a password reset here needs an API key ('Authorization: Bearer <key>'), which stands in for the captcha. Without one, use the portal's reset form: {ResetFormAddress(http)}");
        org.MapGet("/resetpw", ResetFormAsync).WithMetadata(keyless);
        org.MapPost("/resetpw", RequestResetAsync).WithMetadata(keyless);
        org.MapGet("/{user}", GetAsync);
        org.MapPut("/{user}", UpdateAsync);
        // GETs in Usergrid's API that change the account: a read-only key may not call them.
        // The activation link is also opened in a browser, without a key: ActivateAsync checks the key itself when
        // the request activates (it carries a password), and otherwise only sends the browser on to the portal's page.
        org.MapGet("/{user}/activate", ActivateAsync).WithMetadata(new ChangesDataDespiteGet()).AllowAnonymous();
        org.MapGet("/{user}/reactivate", ReactivateAsync).WithMetadata(new ChangesDataDespiteGet());
        org.MapGet("/{user}/feed", FeedAsync);

        var users = management.MapGroup("/users/{user}");
        users.MapPut("/password", SetPasswordAsync);
        users.MapPost("/password", SetPasswordAsync);
        users.MapGet("/orgs", ListOrganizationsAsync);
        users.MapPut("/orgs/{org}", AddToOrganizationAsync);
        users.MapPost("/orgs/{org}", AddToOrganizationAsync);
        users.MapDelete("/orgs/{org}", RemoveFromOrganizationAsync);

        // Anything else under /management answers in the envelope too, never with the portal's not-found page.
        management.MapFallback("{**rest}", () => Shape.Error(404, "Service resource not found."));
    }

    /// <summary>The envelope of a successful reply; duration is this request's time so far, in milliseconds.</summary>
    private static IResult Reply(string action, long started, object? data = null, object? entities = null, IDictionary<string, object?>? extra = null)
    {
        var body = new Dictionary<string, object?> { ["action"] = action, ["status"] = "ok" };
        if (data is not null)
        {
            body["data"] = data;
        }

        if (entities is not null)
        {
            body["entities"] = entities;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            body[key] = value;
        }

        body["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        body["duration"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return Results.Json(body);
    }

    /// <summary>Usergrid's admin-user entity, from the member as the portal has them.</summary>
    private static Dictionary<string, object?> User(MemberDetail d, IEnumerable<PropertyInput>? properties = null)
    {
        var user = new Dictionary<string, object?>
        {
            ["applicationId"] = "00000000-0000-0000-0000-000000000001",
            ["username"] = d.UserName,
            ["name"] = d.DisplayName,
            ["email"] = d.Email.Length == 0 ? null : d.Email,
            ["activated"] = d.IsActivated,
            ["disabled"] = d.IsSuspended,
            ["uuid"] = d.AccountId,
            ["adminUser"] = true,
            ["displayEmailAddress"] = DisplayAddress(d),
            ["htmldisplayEmailAddress"] = WebUtility.HtmlEncode(DisplayAddress(d)),
        };
        foreach (var property in properties ?? [])
        {
            user.TryAdd(property.Key, property.Value);
        }

        return user;
    }

    /// <summary>"name &lt;address&gt;", or the username alone for a member without an email address.</summary>
    private static string DisplayAddress(MemberDetail d) => d.Email.Length == 0 ? d.UserName : $"{d.UserName} <{d.Email}>";

    /// <summary>The route's organization must be the key's: by name (any case) or id. Null when it is.</summary>
    private static async Task<IResult?> CheckOrganizationAsync(string org, Actor actor, SessionQueries sessions, CancellationToken ct)
    {
        var summary = await sessions.GetSummaryAsync(actor.AccountId, actor.OrganizationId, ct);
        var matches = summary is not null
            && (string.Equals(summary.Name, org, StringComparison.OrdinalIgnoreCase) || (Guid.TryParse(org, out var id) && id == summary.Id));
        return matches ? null : Shape.Error(404, $"Organization '{org}' not found; this API key belongs to another organization.");
    }

    private static async Task<IResult> CreateAsync(
        string org, HttpContext http, SessionQueries sessions, MemberAdminService admin, MemberDetailService details)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        var input = await CompatInput.ReadAsync(http);

        var name = (input.Text("name") ?? "").Trim();
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        // With a password the account is active at once; without one it waits for its owner to follow the emailed link.
        var password = input.Text("password");
        var pending = string.IsNullOrEmpty(password);
        var created = await admin.CreateAsync(actor, new NewMember
        {
            UserName = input.Text("username") ?? "",
            Email = input.Text("email") ?? "",
            DisplayName = name.Length == 0 ? null : name,
            FirstName = space < 0 ? name : name[..space],
            LastName = space < 0 ? "" : name[(space + 1)..].Trim(),
            Password = pending ? null : password,
            SendActivationEmail = pending,
        }, http.RequestAborted);
        if (!created.Succeeded)
        {
            return Shape.From(created);
        }

        var member = await details.GetAsync(actor, created.Value, http.RequestAborted);
        return member.Succeeded
            ? Reply("post", started, new Dictionary<string, object?> { ["user"] = User(member.Value!) })
            : Shape.From(member);
    }

    private static async Task<IResult> GetAsync(
        string org, string user, HttpContext http, SessionQueries sessions, MemberDetailService details, MemberProfileService profiles)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var properties = await profiles.GetPropertiesAsync(actor, member.Value!.AccountId, http.RequestAborted);
        return Reply("get admin user", started, User(member.Value, properties));
    }

    /// <summary>
    /// name and email change the profile; every other property is stored as a custom property (Usergrid's free
    /// properties such as city and state), added to the ones the account has.
    /// </summary>
    private static async Task<IResult> UpdateAsync(
        string org, string user, HttpContext http, SessionQueries sessions, MemberDetailService details, MemberProfileService profiles)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        var input = await CompatInput.ReadAsync(http);

        var found = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!found.Succeeded)
        {
            return Shape.From(found);
        }

        var member = found.Value!;
        var profileFields = new[] { "name", "email" };
        if (input.Text("username") is { } userName && !string.Equals(userName, member.UserName, StringComparison.OrdinalIgnoreCase))
        {
            return Shape.Error(400, "A username cannot be changed.");
        }

        var ignored = new HashSet<string>(StringComparer.Ordinal) { "username", "uuid", "applicationId", "adminUser", "activated", "disabled", "displayEmailAddress", "htmldisplayEmailAddress" };
        if (profileFields.Any(input.BodyNames.Contains))
        {
            var name = input.Text("name")?.Trim();
            var saved = await profiles.UpdateProfileAsync(actor, member.AccountId, new ProfileInput
            {
                FirstName = member.FirstName,
                LastName = member.LastName,
                DisplayName = name ?? member.DisplayName,
                Email = input.Text("email") ?? member.Email,
            }, member.AccountVersion, http.RequestAborted);
            if (!saved.Succeeded)
            {
                return Shape.From(saved);
            }
        }

        var extra = input.BodyNames.Where(n => !profileFields.Contains(n) && !ignored.Contains(n)).ToList();
        if (extra.Count > 0)
        {
            var current = await details.GetAsync(actor, member.AccountId, http.RequestAborted);
            if (!current.Succeeded)
            {
                return Shape.From(current);
            }

            var properties = (await profiles.GetPropertiesAsync(actor, member.AccountId, http.RequestAborted)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            foreach (var key in extra)
            {
                var value = input.Element(key)!.Value;
                properties[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            }

            var replaced = await profiles.ReplacePropertiesAsync(actor, member.AccountId,
                properties.Select(p => new PropertyInput { Key = p.Key, Value = p.Value }).ToList(), current.Value!.AccountVersion, http.RequestAborted);
            if (!replaced.Succeeded)
            {
                return Shape.From(replaced);
            }
        }

        return Reply("update user info", started);
    }

    /// <summary>Sets the key owner's own password, quoting the old one: an admin's password is theirs to change.</summary>
    private static async Task<IResult> SetPasswordAsync(string user, HttpContext http, MemberDetailService details, OwnPasswordService passwords)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        var input = await CompatInput.ReadAsync(http);
        var (oldPassword, newPassword) = (input.Text("oldpassword") ?? "", input.Text("newpassword") ?? input.Text("password") ?? "");

        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        if (member.Value!.AccountId != actor.AccountId)
        {
            return Shape.Error(403, "Only the user themselves can set their password here; an admin can send a reset link or set a temporary password.");
        }

        var changed = await passwords.ChangeAsync(actor.AccountId, actor.OrganizationId, oldPassword, newPassword, actor.ClientAddress, http.RequestAborted);
        return changed.Succeeded ? Reply("set user password", started) : Shape.From(changed);
    }

    /// <summary>The portal's public reset form, with its bot challenge: where anyone asks for a reset link without a key.</summary>
    private static string ResetFormAddress(HttpContext http) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/Account/ForgotPassword";

    /// <summary>The first step of the two-step reset: where the portal's public reset form (with its bot challenge) is.</summary>
    private static async Task<IResult> ResetFormAsync(string org, HttpContext http, SessionQueries sessions)
    {
        var started = Stopwatch.GetTimestamp();
        if (await CheckOrganizationAsync(org, ApiActor.Of(http), sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        return Reply("reset user password form", started, new Dictionary<string, object?> { ["form"] = ResetFormAddress(http) });
    }

    /// <summary>
    /// The second step: the public form's request, answered the same whether or not the address exists. The API key
    /// stands in for the form's bot challenge, so the recaptcha fields are accepted and not checked.
    /// </summary>
    private static async Task<IResult> RequestResetAsync(string org, HttpContext http, SessionQueries sessions, PasswordResetService resets)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        var input = await CompatInput.ReadAsync(http);
        if (string.IsNullOrWhiteSpace(input.Text("email")))
        {
            return Shape.Error(400, "Send the user's email: {\"email\": …}.");
        }

        await resets.RequestAsync(input.Text("email"), actor.ClientAddress, http.RequestAborted);
        return Reply("reset user password", started);
    }

    /// <summary>
    /// Activation with the emailed token. The portal has the owner choose their password when activating. A request
    /// with a <c>password</c> (in the query or the body) activates the account here and needs a read-write key, as
    /// every route does. Without one it is the owner's browser following the link: it is sent on to the portal's
    /// activation page, where they choose the password. Only a usable token that belongs to the named user and
    /// organization carries the account over; any other link reaches the page's one message for a link that cannot be
    /// used. <c>confirm</c> needs nothing more: activating confirms the email address.
    /// </summary>
    private static async Task<IResult> ActivateAsync(
        string org, string user, HttpContext http, IAuthorizationService authorization, SessionQueries sessions, MemberDetailService details,
        ActivationService activation, PortalLinks links)
    {
        var started = Stopwatch.GetTimestamp();
        var input = await CompatInput.ReadAsync(http);
        if (!input.Has("password"))
        {
            var token = input.Text("token");
            var accountId = await activation.FindLinkAccountAsync(org, user, token, http.RequestAborted);
            var page = accountId is { } id ? links.Activation(id, token!) : new Uri(links.Base, "Account/Activate");
            return Results.Redirect(page.AbsoluteUri);
        }

        // The route allows anonymous requests for the browser's sake, so the key is checked here (401 or 403 in the envelope).
        if (!(await authorization.AuthorizeAsync(http.User, http, ApiKeyDefaults.Policy)).Succeeded)
        {
            return http.User.Identity?.IsAuthenticated == true
                ? Results.Forbid(authenticationSchemes: [ApiKeyDefaults.Scheme])
                : Results.Challenge(authenticationSchemes: [ApiKeyDefaults.Scheme]);
        }

        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var activated = await activation.ActivateAsync(member.Value!.AccountId, input.Text("token"), input.Text("password"), actor.ClientAddress, http.RequestAborted);
        return activated.Succeeded ? Reply("activate user", started) : Shape.From(activated);
    }

    /// <summary>Usergrid's reactivate sends a new activation email to a pending user; a deactivated one is switched back on.</summary>
    private static async Task<IResult> ReactivateAsync(
        string org, string user, HttpContext http, SessionQueries sessions, MemberDetailService details, ActivationService activation)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        OperationResult result = member.Value!.Activation == ActivationState.Pending
            ? await activation.SendActivationAsync(actor, member.Value.AccountId, http.RequestAborted)
            : await activation.ReactivateAsync(actor, member.Value.AccountId, http.RequestAborted);
        return result.Succeeded ? Reply("reactivate user", started) : Shape.From(result);
    }

    /// <summary>The user's activity, newest first; <c>limit</c> (default 10) and <c>cursor</c> (the previous reply's) page it.</summary>
    private static async Task<IResult> FeedAsync(
        string org, string user, int? limit, string? cursor, HttpContext http, SessionQueries sessions, MemberDetailService details, ActivityFeedService feed)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return Shape.Error(400, "This cursor is not one the API gave out.");
            }

            before = id;
        }

        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var page = await feed.ListAsync(actor, new ActivityQuery(member.Value!.AccountId), before, null,
            Math.Clamp(limit ?? 10, 1, ActivityFeedService.MaxPageSize), http.RequestAborted);
        if (!page.Succeeded)
        {
            return Shape.From(page);
        }

        var path = $"/users/{member.Value.AccountId}/feed";
        var entities = page.Value!.Items.Select(item =>
        {
            var published = new DateTimeOffset(DateTime.SpecifyKind(item.OccurredAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
            var uuid = FeedUuid(item.Id);
            return new Dictionary<string, object?>
            {
                ["uuid"] = uuid,
                ["type"] = "activity",
                ["created"] = published,
                ["modified"] = published,
                ["actor"] = new Dictionary<string, object?>
                {
                    ["displayName"] = item.ActorName,
                    ["objectType"] = "person",
                    ["uuid"] = item.ActorAccountId,
                    ["entityType"] = "user",
                },
                ["category"] = item.Category.ToString().ToLowerInvariant(),
                ["metadata"] = new Dictionary<string, object?> { ["path"] = $"{path}/{uuid}" },
                ["object"] = new Dictionary<string, object?>
                {
                    ["displayName"] = item.TargetName,
                    ["objectType"] = "person",
                    ["uuid"] = item.TargetAccountId,
                    ["entityType"] = "user",
                },
                ["published"] = published,
                ["title"] = item.Title,
                ["verb"] = item.Verb,
            };
        }).ToList();
        var extra = page.Value.OlderThan is { } older
            ? new Dictionary<string, object?> { ["cursor"] = older.ToString(CultureInfo.InvariantCulture) }
            : null;
        return Reply("get admin user feed", started, entities: entities, extra: extra);
    }

    /// <summary>An activity record's number as a uuid (Usergrid names every entity by one).</summary>
    private static string FeedUuid(long id) => $"00000000-0000-0000-0000-{id.ToString("x12", CultureInfo.InvariantCulture)}";

    /// <summary>The organizations the user belongs to, as Usergrid lists them: name → uuid. A SUPER's question.</summary>
    private static async Task<IResult> ListOrganizationsAsync(
        string user, HttpContext http, MemberDetailService details, OrganizationMembershipService memberships)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var rows = await memberships.ListForAccountAsync(actor, member.Value!.AccountId, http.RequestAborted);
        return rows.Succeeded
            ? Reply("get organizations for user", started, rows.Value!.ToDictionary(r => r.Name, r => (object?)r.OrganizationId))
            : Shape.From(rows);
    }

    /// <summary>Adds an existing account (by username or email) to the key's organization.</summary>
    private static async Task<IResult> AddToOrganizationAsync(
        string user, string org, HttpContext http, SessionQueries sessions, OrganizationMembershipService memberships)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        if (await CheckOrganizationAsync(org, actor, sessions, http.RequestAborted) is { } wrongOrg)
        {
            return wrongOrg;
        }

        if (Guid.TryParse(user, out _))
        {
            return Shape.Error(400, "Name the user to add by username or email.");
        }

        var added = await memberships.AddExistingAccountAsync(actor, user, http.RequestAborted);
        return added.Succeeded ? Reply("add user to organization", started) : Shape.From(added);
    }

    /// <summary>Takes the user out of one of their organizations (by name or id); the account stays.</summary>
    private static async Task<IResult> RemoveFromOrganizationAsync(
        string user, string org, HttpContext http, MemberDetailService details, OrganizationMembershipService memberships)
    {
        var started = Stopwatch.GetTimestamp();
        var actor = ApiActor.Of(http);
        var member = await CompatDirectory.FindAsync(details, actor, user, http.RequestAborted);
        if (!member.Succeeded)
        {
            return Shape.From(member);
        }

        var rows = await memberships.ListForAccountAsync(actor, member.Value!.AccountId, http.RequestAborted);
        if (!rows.Succeeded)
        {
            return Shape.From(rows);
        }

        var row = rows.Value!.FirstOrDefault(r =>
            string.Equals(r.Name, org, StringComparison.OrdinalIgnoreCase) || (Guid.TryParse(org, out var id) && id == r.OrganizationId));
        if (row is null)
        {
            return Shape.Error(404, $"The user is not in organization '{org}'.");
        }

        var removed = await memberships.RemoveFromAsync(actor, member.Value.AccountId, row.OrganizationId, row.Version, http.RequestAborted);
        return removed.Succeeded ? Reply("remove user from organization", started) : Shape.From(removed);
    }
}
