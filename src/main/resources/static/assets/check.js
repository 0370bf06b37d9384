// The visit checker without a page reload: a chosen file is read into the text box, and either form is sent with
// fetch; the server answers only the findings, which replace the old ones and take the focus. Without JavaScript
// the forms post as usual and the whole page comes back.
(function () {
  var results = document.getElementById('results');
  var file = document.getElementById('file');
  var text = document.getElementById('bundle');
  if (!results || !window.fetch || !window.FormData) return;
  if (file && text && window.FileReader) {
    file.addEventListener('change', function () {
      var f = file.files && file.files[0];
      if (!f) return;
      var reader = new FileReader();
      reader.onload = function () { text.value = reader.result; };
      reader.readAsText(f);
    });
  }
  document.querySelectorAll('form.check').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
      if (form.id === 'paste-form') data.delete('file');
      var button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      results.setAttribute('aria-busy', 'true');
      fetch(form.action, { method: 'POST', body: data, headers: { 'X-Requested-With': 'fetch' } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          results.innerHTML = html;
          var section = document.getElementById('results-section');
          if (section) section.focus();
        })
        .catch(function () { form.submit(); })
        .finally(function () {
          results.removeAttribute('aria-busy');
          if (button) button.disabled = false;
        });
    });
  });
})();
