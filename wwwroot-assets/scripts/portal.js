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
