using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Groups;
using UserAdmin.Portal.Tests.Features.Api;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Security.Abuse;

/// <summary>
/// Every compatibility route that takes a body, sent values of the wrong JSON type and fields named twice (in JSON,
/// nested, differing in case, in a form, in a form's serialized list). Each is refused in that API's own error shape,
/// naming the field, and nothing in the organization changes. Without the checks these bodies succeed: a lenient
/// reader takes "yes" for true and the last of two values.
/// </summary>
public sealed class CompatBodyAbuseTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private const string Strong = "copper-meadow-lantern-17";
    private readonly ApiTestKit _kit = new(app);

    /// <summary>An organization with a SUPER's key, a member to act on, another member, a pending member and a group "ops".</summary>
    private sealed record World(TestOrganization Organization, TestMember Admin, string Key, TestMember Target, TestMember Other, TestMember Pending)
    {
        public string Fill(string template) => template
            .Replace("{org}", Organization.Name, StringComparison.Ordinal)
            .Replace("{admin}", Admin.UserName, StringComparison.Ordinal)
            .Replace("{target}", Target.UserName, StringComparison.Ordinal)
            .Replace("{pending}", Pending.UserName, StringComparison.Ordinal)
            .Replace("{id}", Target.MembershipId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{other}", Other.MembershipId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private async Task<World> WorldAsync()
    {
        var organization = await _kit.Database.AddOrganizationAsync();
        var admin = await _kit.Database.AddMemberWithPasswordAsync(app.Services, organization.Id, Strong, MemberRank.Super);
        var target = await _kit.Database.AddMemberAsync(organization.Id);
        var other = await _kit.Database.AddMemberAsync(organization.Id);
        var pending = await _kit.Database.AddMemberAsync(organization.Id, configure: a => a.IsActivated = false);
        Assert.True((await app.Services.GetRequiredService<GroupService>().CreateAsync(admin.Actor, "ops", "")).Succeeded);
        return new World(organization, admin, await _kit.KeyForAsync(admin), target, other, pending);
    }

    /// <summary>Everything a route here could change, as one comparable text.</summary>
    private Task<string> SnapshotAsync(Guid organizationId) => _kit.Database.QueryAsync(async db =>
    {
        var members = await db.Memberships.Where(m => m.OrganizationId == organizationId).OrderBy(m => m.Id)
            .Select(m => new
            {
                m.Id, m.Rank, m.Tag, m.IsSuspended, m.PrimaryGroupId, m.Version, m.Account!.MustChangePassword, m.Account.PasswordHash,
                m.Account.SecurityStamp, m.Account.Email, m.Account.DisplayName, m.Account.IsActivated,
            })
            .ToListAsync();
        var counts = new[]
        {
            await db.Users.CountAsync(), await db.CustomProperties.CountAsync(), await db.ComputerUsernames.CountAsync(),
            await db.Smartcards.CountAsync(), await db.GroupMembers.CountAsync(), await db.AccountTokens.CountAsync(),
            await db.Activity.CountAsync(a => a.OrganizationId == organizationId),
        };
        return string.Join("\n", members.Select(m => m.ToString())) + "\n" + string.Join(",", counts);
    });

    private static HttpRequestMessage Request(World world, string method, string path, string send, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), world.Fill(path))
        {
            Content = new StringContent(world.Fill(body), Encoding.UTF8, send == "json" ? "application/json" : "application/x-www-form-urlencoded"),
        };
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // ThreatStream's header: apikey <username>:<key>.
            request.Headers.Authorization = new("apikey", $"{world.Admin.UserName}:{world.Key}");
        }

        return request;
    }

    /// <summary>The refusal in the API's own shape (by path), with the status, and its message.</summary>
    private static async Task<string> RefusalMessageAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.DoesNotContain("<html", text, StringComparison.OrdinalIgnoreCase);
        var body = JsonDocument.Parse(text).RootElement;
        var path = response.RequestMessage!.RequestUri!.AbsolutePath;
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(status, body.GetProperty("status").GetInt32());
            return body.GetProperty("detail").GetString()!;
        }

        if (path.StartsWith("/management/", StringComparison.Ordinal))
        {
            Assert.Equal("illegal_argument", body.GetProperty("error").GetString());
            Assert.True(body.TryGetProperty("timestamp", out _));
            return body.GetProperty("error_description").GetString()!;
        }

        if (path.StartsWith("/compat/allthenticate/", StringComparison.Ordinal))
        {
            Assert.Equal(["error"], body.EnumerateObject().Select(p => p.Name));
            return body.GetProperty("error").GetString()!;
        }

        Assert.StartsWith("/compat/virtool/", path, StringComparison.Ordinal);
        Assert.Equal(status == 422 ? "invalid_input" : "bad_request", body.GetProperty("id").GetString());
        return body.GetProperty("message").GetString()!;
    }

    [Theory(DisplayName = "Compat wrong type")]
    [InlineData("ThreatStream must_change_password \"yes\"", "PATCH", "/api/v1/orgadmin/{id}/", "json", """{"must_change_password": "yes"}""", 400, "must_change_password must be true or false")]
    [InlineData("ThreatStream must_change_password 1, labelled as a form", "PATCH", "/api/v1/orgadmin/{id}/", "curl", """{"must_change_password": 1}""", 400, "must_change_password must be true or false")]
    [InlineData("ThreatStream must_change_password \"true\"", "PATCH", "/api/v1/orgadmin/{id}/", "json", """{"must_change_password": "true"}""", 400, "must_change_password must be true or false")]
    [InlineData("Usergrid create: password as a number", "POST", "/management/organizations/{org}/users", "curl", """{"username":"new.user","name":"New User","email":"new.user@example.org","password":123456789012345}""", 400, "password must be a string")]
    [InlineData("Usergrid create: username as a list", "POST", "/management/organizations/{org}/users", "json", """{"username":["new.user"],"email":"new.user@example.org","password":"copper-meadow-lantern-17"}""", 400, "username must be a string")]
    [InlineData("Usergrid update: name as a number", "PUT", "/management/organizations/{org}/users/{target}", "curl", """{"name":5}""", 400, "name must be a string")]
    [InlineData("Usergrid update: email as a boolean", "PUT", "/management/organizations/{org}/users/{target}", "json", """{"email":true,"city":"Oslo"}""", 400, "email must be a string")]
    [InlineData("Usergrid own password: oldpassword as a number", "PUT", "/management/users/{admin}/password", "curl", """{"oldpassword":1,"newpassword":"my-new-password-quartz-9"}""", 400, "oldpassword must be a string")]
    [InlineData("Usergrid reset request: email as an operator object", "POST", "/management/organizations/{org}/users/resetpw", "curl", """{"email":{"$gt":""}}""", 400, "email must be a string")]
    [InlineData("Usergrid activate: token as a number in a body", "GET", "/management/organizations/{org}/users/{pending}/activate", "curl", """{"token":1,"password":"chosen-pass-phrase-1"}""", 400, "token must be a string")]
    [InlineData("Allthenticate modifyallusernames: email_id as a string", "POST", "/compat/allthenticate/modifyallusernames", "json", """{"email_id":"{id}","computer_usernames":[]}""", 400, "email_id must be a number")]
    [InlineData("Allthenticate modifyallusernames: the list as a string in JSON", "POST", "/compat/allthenticate/modifyallusernames", "json", """{"email_id":{id},"computer_usernames":"[]"}""", 400, "computer_usernames must be a list")]
    [InlineData("Allthenticate modifyallusernames: computer_username as a number", "POST", "/compat/allthenticate/modifyallusernames", "json", """{"email_id":{id},"computer_usernames":[{"computer_username":7}]}""", 400, "computer_usernames[0].computer_username must be a string")]
    [InlineData("Allthenticate modifyrank: rank as a number", "POST", "/compat/allthenticate/modifyrank", "json", """{"admin_user_id":{id},"rank":1}""", 400, "rank must be a string")]
    [InlineData("Allthenticate modifyrank: admin_user_id as a fraction", "POST", "/compat/allthenticate/modifyrank", "json", """{"admin_user_id":1.5,"rank":"ADMIN"}""", 400, "admin_user_id must be a whole number")]
    [InlineData("Allthenticate modifysmartcard: number as a number", "POST", "/compat/allthenticate/modifysmartcard", "json", """{"email_id":{id},"smartcards":[{"number":123456,"label":"Test"}]}""", 400, "smartcards[0].number must be a string")]
    [InlineData("Allthenticate modifysmartcard: allow_duplicates as \"false\"", "POST", "/compat/allthenticate/modifysmartcard", "json", """{"email_id":{id},"smartcards":[],"allow_duplicates":"false"}""", 400, "allow_duplicates must be true or false")]
    [InlineData("Allthenticate promoteguest: email_id as a boolean", "POST", "/compat/allthenticate/promoteguest", "json", """{"email_id":true}""", 400, "email_id must be a number")]
    [InlineData("Allthenticate togglesuspension: email_id as a string", "POST", "/compat/allthenticate/togglesuspension", "curl", """{"email_id":"{id}"}""", 400, "email_id must be a number")]
    [InlineData("Allthenticate DELETE user: email as a number", "DELETE", "/compat/allthenticate/user", "json", """{"email":5}""", 400, "email must be a string")]
    [InlineData("Virtool create: force_reset as \"false\"", "POST", "/compat/virtool/api/users", "curl", """{"user_id":"bill","password":"granite-harbor-owl-58","email":"bill@example.org","force_reset":"false"}""", 422, "force_reset must be true or false")]
    [InlineData("Virtool create: user_id as a number", "POST", "/compat/virtool/api/users", "json", """{"user_id":42,"password":"granite-harbor-owl-58","email":"bill@example.org"}""", 422, "user_id must be a string")]
    [InlineData("Virtool edit: force_reset \"yes\"", "PATCH", "/compat/virtool/api/users/{target}", "json", """{"force_reset":"yes"}""", 422, "force_reset must be true or false")]
    [InlineData("Virtool edit: password as a number", "PATCH", "/compat/virtool/api/users/{target}", "curl", """{"force_reset":true,"password":123456789012345}""", 422, "password must be a string")]
    [InlineData("Virtool edit: primary_group as a boolean", "PATCH", "/compat/virtool/api/users/{target}", "json", """{"primary_group":false}""", 422, "primary_group must be a string")]
    [InlineData("Virtool add to group: group_id as a number", "POST", "/compat/virtool/api/users/{target}/group", "json", """{"group_id":1}""", 422, "group_id must be a string")]
    public async Task AValueOfTheWrongTypeIsRefusedInTheApisShapeAndChangesNothing(string @case, string method, string path, string send, string body, int status, string says)
    {
        Assert.NotEmpty(@case);
        var world = await WorldAsync();
        var before = await SnapshotAsync(world.Organization.Id);
        using var client = _kit.Client(world.Key);

        using var response = await client.SendAsync(Request(world, method, path, send, body));

        Assert.Contains(says, await RefusalMessageAsync(response, status), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(world.Organization.Id));
    }

    [Theory(DisplayName = "Compat duplicate field")]
    [InlineData("ThreatStream: must_change_password twice", "PATCH", "/api/v1/orgadmin/{id}/", "json", """{"must_change_password": false, "must_change_password": true}""", 400, "must_change_password")]
    [InlineData("ThreatStream: must_change_password twice, labelled as a form", "PATCH", "/api/v1/orgadmin/{id}/", "curl", """{"must_change_password": false, "must_change_password": true}""", 400, "must_change_password")]
    [InlineData("Usergrid create: password twice", "POST", "/management/organizations/{org}/users", "curl", """{"username":"new.user","email":"new.user@example.org","password":"test12345","password":"copper-meadow-lantern-17"}""", 400, "'password'")]
    [InlineData("Usergrid update: city and City", "PUT", "/management/organizations/{org}/users/{target}", "curl", """{"city":"San Francisco","City":"Oslo"}""", 400, "'City'")]
    [InlineData("Usergrid own password: newpassword twice", "PUT", "/management/users/{admin}/password", "curl", """{"oldpassword":"copper-meadow-lantern-17","newpassword":"my-new-password-quartz-9","newpassword":"my-other-password-quartz-9"}""", 400, "'newpassword'")]
    [InlineData("Usergrid reset request: email twice", "POST", "/management/organizations/{org}/users/resetpw", "curl", """{"email":"{target}@portal.test","email":"{admin}@portal.test"}""", 400, "'email'")]
    [InlineData("Usergrid activate: token twice in a body", "GET", "/management/organizations/{org}/users/{pending}/activate", "curl", """{"token":"a","token":"b","password":"chosen-pass-phrase-1"}""", 400, "'token'")]
    [InlineData("Allthenticate modifyrank: admin_user_id twice", "POST", "/compat/allthenticate/modifyrank", "json", """{"admin_user_id":{other},"admin_user_id":{id},"rank":"ADMIN"}""", 400, "'admin_user_id'")]
    [InlineData("Allthenticate modifyrank: rank and RANK", "POST", "/compat/allthenticate/modifyrank", "curl", """{"admin_user_id":{id},"rank":"REGULAR","RANK":"SUPER"}""", 400, "'RANK'")]
    [InlineData("Allthenticate modifysmartcard: number twice in a list item", "POST", "/compat/allthenticate/modifysmartcard", "json", """{"email_id":{id},"smartcards":[{"number":"111111","number":"222222"}]}""", 400, "'number'")]
    [InlineData("Allthenticate modifysmartcard: number twice in a form's serialized list", "POST", "/compat/allthenticate/modifysmartcard", "form", """email_id={id}&smartcards=%5B%7B%22number%22%3A%22111111%22%2C%22number%22%3A%22222222%22%7D%5D""", 400, "'number'")]
    [InlineData("Allthenticate modifyallusernames: email_id twice in a form", "POST", "/compat/allthenticate/modifyallusernames", "form", """email_id={other}&email_id={id}&computer_usernames=%5B%5D""", 400, "'email_id'")]
    [InlineData("Allthenticate promoteguest: email_id twice", "POST", "/compat/allthenticate/promoteguest", "json", """{"email_id":{other},"email_id":{id}}""", 400, "'email_id'")]
    [InlineData("Allthenticate togglesuspension: email_id twice in a form", "POST", "/compat/allthenticate/togglesuspension", "form", """email_id={other}&email_id={id}""", 400, "'email_id'")]
    [InlineData("Allthenticate DELETE user: email_id twice", "DELETE", "/compat/allthenticate/user", "json", """{"email_id":{other},"email_id":{id}}""", 400, "'email_id'")]
    [InlineData("Allthenticate DELETE user: email_id twice in the query", "DELETE", "/compat/allthenticate/user?email_id={other}&email_id={id}", "form", "", 400, "'email_id'")]
    [InlineData("Virtool create: user_id twice", "POST", "/compat/virtool/api/users", "curl", """{"user_id":"bill","user_id":"fred","password":"granite-harbor-owl-58","email":"bill@example.org"}""", 400, "'user_id'")]
    [InlineData("Virtool edit: force_reset twice", "PATCH", "/compat/virtool/api/users/{target}", "json", """{"force_reset":true,"force_reset":false}""", 400, "'force_reset'")]
    [InlineData("Virtool add to group: group_id twice", "POST", "/compat/virtool/api/users/{target}/group", "json", """{"group_id":"ops","group_id":"admins"}""", 400, "'group_id'")]
    public async Task AFieldNamedTwiceIsRefusedInTheApisShapeAndChangesNothing(string @case, string method, string path, string send, string body, int status, string names)
    {
        Assert.NotEmpty(@case);
        var world = await WorldAsync();
        var before = await SnapshotAsync(world.Organization.Id);
        using var client = _kit.Client(world.Key);

        using var response = await client.SendAsync(Request(world, method, path, send, body));

        var message = await RefusalMessageAsync(response, status);
        Assert.Contains(names, message, StringComparison.Ordinal);
        Assert.Contains("more than once", message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(world.Organization.Id));
    }

    /// <summary>The same routes and the same worlds take a well-typed body: the refusals above are about the type or the repeat alone.</summary>
    [Theory(DisplayName = "Compat well-typed")]
    [InlineData("PATCH", "/api/v1/orgadmin/{id}/", "json", """{"must_change_password": true}""", 200)]
    [InlineData("POST", "/management/organizations/{org}/users", "curl", """{"username":"new.user","name":"New User","email":"new.user@example.org","password":"copper-meadow-lantern-17"}""", 200)]
    [InlineData("PUT", "/management/organizations/{org}/users/{target}", "curl", """{"name":"Renamed","city":"Oslo","floor":3}""", 200)]
    [InlineData("PUT", "/management/users/{admin}/password", "curl", """{"oldpassword":"copper-meadow-lantern-17","newpassword":"my-new-password-quartz-9"}""", 200)]
    [InlineData("POST", "/management/organizations/{org}/users/resetpw", "curl", """{"email":"{target}@portal.test"}""", 200)]
    [InlineData("POST", "/compat/allthenticate/modifyallusernames", "json", """{"email_id":{id},"computer_usernames":[{"computer_username":"jdeveloper"}]}""", 200)]
    [InlineData("POST", "/compat/allthenticate/modifyrank", "json", """{"admin_user_id":{id},"rank":"ADMIN"}""", 200)]
    [InlineData("POST", "/compat/allthenticate/modifysmartcard", "form", """email_id={id}&smartcards=%5B%7B%22number%22%3A%20%22123456%22%2C%20%22label%22%3A%20%22Test%22%7D%5D&allow_duplicates=false""", 200)]
    [InlineData("POST", "/compat/allthenticate/promoteguest", "form", "email_id={id}", 200)]
    [InlineData("POST", "/compat/allthenticate/togglesuspension", "form", "email_id={id}", 200)]
    [InlineData("DELETE", "/compat/allthenticate/user", "json", """{"email_id":{id}}""", 200)]
    [InlineData("POST", "/compat/virtool/api/users", "curl", """{"user_id":"bill","password":"granite-harbor-owl-58","email":"bill@example.org","force_reset":false}""", 201)]
    [InlineData("PATCH", "/compat/virtool/api/users/{target}", "json", """{"force_reset":true}""", 200)]
    [InlineData("POST", "/compat/virtool/api/users/{target}/group", "json", """{"group_id":"ops"}""", 201)]
    public async Task TheSameRouteTakesAWellTypedBody(string method, string path, string send, string body, int status)
    {
        var world = await WorldAsync();
        using var client = _kit.Client(world.Key);

        using var response = await client.SendAsync(Request(world, method, path, send, body));

        Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
