// The portal's own script: small helpers that Blazor and the static account pages call.
(function () {
    "use strict";

    // After a static form post comes back with errors, put the keyboard on the first field that needs attention.
    function focusFirstProblem() {
        var invalid = document.querySelector(".account-card .invalid, .account-card [aria-invalid='true']");
        var alert = document.querySelector(".account-card .form-alert");
        // After a refused sign-in the username is usually right and the password is what to retype.
        var retype = alert && document.querySelector(".account-card input[type=password]");
        var first = invalid || retype;
        if (first && typeof first.focus === "function") {
            first.focus();
        }
    }

    function isTyping(element) {
        return element && (element.isContentEditable || /^(input|textarea|select)$/i.test(element.tagName));
    }

    // Keyboard use of the member grid: "/" jumps to the search box; on a member's name, the up and down arrows move
    // to the row above or below (Enter opens the member, as any link does).
    function onKey(event) {
        if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }

        var active = document.activeElement;
        if (event.key === "/" && !isTyping(active)) {
            var search = document.querySelector("[aria-label='Search members']");
            if (search) {
                event.preventDefault();
                search.focus();
            }
            return;
        }

        if ((event.key === "ArrowDown" || event.key === "ArrowUp") && active && active.classList.contains("member-link")) {
            var links = Array.prototype.slice.call(document.querySelectorAll(".member-grid a.member-link"));
            var next = links[links.indexOf(active) + (event.key === "ArrowDown" ? 1 : -1)];
            if (next) {
                event.preventDefault();
                next.focus();
            }
        }
    }

    document.addEventListener("keydown", onKey);

    window.portal = {
        focus: function (selector) {
            var element = document.querySelector(selector);
            if (element) {
                element.focus();
            }
        }
    };

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", focusFirstProblem);
    } else {
        focusFirstProblem();
    }
})();
