/**
 * Passerelle — forwards every edit of this spreadsheet to the `sheetEdit` function, which checks
 * the rows and writes the verdict in `Statut` within a few seconds.
 *
 * Installation: see INSTALL.md beside this file. In short: paste this file into
 * Extensions > Apps Script, reload the spreadsheet, then use the « Passerelle » menu:
 * « Configurer… » (address of the function and this spreadsheet's key, printed by
 * `passerelle cle <spreadsheetId>`), then « Activer la vérification automatique ».
 *
 * Each request is signed: HMAC-SHA256, keyed with this spreadsheet's key (derived from the
 * deployment's secret for this spreadsheet id only: it signs for no other spreadsheet), over
 * `timestamp + "." + body` (hexadecimal), sent in the X-Passerelle-Timestamp and
 * X-Passerelle-Signature headers. The body carries a unique `editId`, the same on a retry: the
 * function applies each edit once. It refuses unsigned, badly signed or stale requests.
 *
 * Plain Apps Script JavaScript (V8 runtime).
 */

var PASSERELLE_URL_PROPERTY = 'PASSERELLE_URL';
var PASSERELLE_SECRET_PROPERTY = 'PASSERELLE_SECRET';
var PASSERELLE_HANDLER = 'onEditInstallable';
var PASSERELLE_CHANGE_HANDLER = 'onChangeInstallable';
var PASSERELLE_FORM_HANDLER = 'onFormSubmitInstallable';

/** Adds the « Passerelle » menu when the spreadsheet is opened. */
function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu('Passerelle')
    .addItem('Configurer…', 'configurePasserelle')
    .addItem('Activer la vérification automatique', 'installPasserelleTrigger')
    .addItem('Tester la connexion', 'testPasserelle')
    .addToUi();
}

/** Asks for the function's address and the shared secret, and keeps them in the Script Properties. */
function configurePasserelle() {
  var ui = SpreadsheetApp.getUi();
  var url = ui.prompt(
    'Passerelle',
    'Adresse de la fonction sheetEdit (elle commence par https://) :',
    ui.ButtonSet.OK_CANCEL
  );
  if (url.getSelectedButton() !== ui.Button.OK) return;
  var address = url.getResponseText().trim();
  if (!/^https:\/\//.test(address)) {
    ui.alert('Passerelle', 'L’adresse doit commencer par https://. Rien n’a été enregistré.', ui.ButtonSet.OK);
    return;
  }
  var secret = ui.prompt(
    'Passerelle',
    'Clé de ce classeur (donnée par la personne qui a déployé Passerelle : passerelle cle <identifiant du classeur>) :',
    ui.ButtonSet.OK_CANCEL
  );
  if (secret.getSelectedButton() !== ui.Button.OK) return;
  var value = secret.getResponseText().trim();
  if (value.length < 16) {
    ui.alert('Passerelle', 'Le secret doit compter au moins 16 caractères. Rien n’a été enregistré.', ui.ButtonSet.OK);
    return;
  }
  var properties = {};
  properties[PASSERELLE_URL_PROPERTY] = address;
  properties[PASSERELLE_SECRET_PROPERTY] = value;
  PropertiesService.getScriptProperties().setProperties(properties);
  ui.alert('Passerelle', 'Configuration enregistrée.', ui.ButtonSet.OK);
}

/**
 * Installs the on-edit trigger (an installable one: a simple `onEdit` may not call another server),
 * the on-change trigger (rows inserted or deleted, a sort, a pasted block, another script writing:
 * no edit event fires for those), and the form-submit trigger when a Google Form is linked.
 * Running it twice leaves a single trigger of each kind.
 */
function installPasserelleTrigger() {
  var spreadsheet = SpreadsheetApp.getActive();
  var ours = [PASSERELLE_HANDLER, PASSERELLE_CHANGE_HANDLER, PASSERELLE_FORM_HANDLER];
  var triggers = ScriptApp.getProjectTriggers();
  for (var i = 0; i < triggers.length; i++) {
    if (ours.indexOf(triggers[i].getHandlerFunction()) >= 0) ScriptApp.deleteTrigger(triggers[i]);
  }
  ScriptApp.newTrigger(PASSERELLE_HANDLER).forSpreadsheet(spreadsheet).onEdit().create();
  ScriptApp.newTrigger(PASSERELLE_CHANGE_HANDLER).forSpreadsheet(spreadsheet).onChange().create();
  var form = spreadsheet.getFormUrl ? spreadsheet.getFormUrl() : null;
  if (form) ScriptApp.newTrigger(PASSERELLE_FORM_HANDLER).forSpreadsheet(spreadsheet).onFormSubmit().create();
  notifyPasserelle_(
    'Vérification automatique activée : chaque modification sera vérifiée' +
      (form ? ', ainsi que chaque réponse du formulaire.' : '.')
  );
}

/** Asks for a check of a whole tab (what a structural change or a form response touched). */
function sendPasserelleTab_(spreadsheet, sheet) {
  if (!sheet) return 0;
  return sendPasserelleEdit_({
    spreadsheetId: spreadsheet.getId(),
    tab: sheet.getName(),
    firstRow: 1,
    lastRow: Math.max(1, sheet.getLastRow()),
    firstColumn: 1,
    lastColumn: Math.max(1, sheet.getLastColumn())
  });
}

/**
 * The installable on-change trigger: rows or columns inserted or removed, a sort, a paste, a write
 * by another script (`OTHER`). Formatting changes and plain edits (the on-edit trigger has them)
 * are ignored. The whole tab concerned is checked: a row number quoted in a Statut may have moved.
 */
function onChangeInstallable(e) {
  var type = e && e.changeType;
  if (type === 'EDIT' || type === 'FORMAT') return;
  var spreadsheet = (e && e.source) || SpreadsheetApp.getActive();
  sendPasserelleTab_(spreadsheet, spreadsheet.getActiveSheet());
}

/** The installable form-submit trigger: the response's tab is checked (seats, duplicates). */
function onFormSubmitInstallable(e) {
  var spreadsheet = (e && e.source) || SpreadsheetApp.getActive();
  var sheet = e && e.range ? e.range.getSheet() : spreadsheet.getActiveSheet();
  sendPasserelleTab_(spreadsheet, sheet);
}

/** Sends the whole first tab as if it had just been edited, and says whether the function answered. */
function testPasserelle() {
  var spreadsheet = SpreadsheetApp.getActive();
  var sheet = spreadsheet.getSheets()[0];
  var code = sendPasserelleEdit_({
    spreadsheetId: spreadsheet.getId(),
    tab: sheet.getName(),
    firstRow: 1,
    lastRow: Math.max(1, sheet.getLastRow()),
    firstColumn: 1,
    lastColumn: Math.max(1, sheet.getLastColumn())
  });
  var messages = {
    200: 'La fonction a répondu : tout fonctionne.',
    401: 'La fonction a refusé la demande : vérifiez le secret partagé (menu Passerelle > Configurer…).',
    403: 'Passerelle ne peut pas ouvrir ce classeur : partagez-le avec son compte de service (voir INSTALL.md).',
    502: 'Passerelle ne peut pas ouvrir ce classeur : partagez-le avec son compte de service (voir INSTALL.md).',
    0: 'Passerelle n’est pas configurée (menu Passerelle > Configurer…).'
  };
  notifyPasserelle_(messages[code] || 'La fonction a répondu avec le code ' + code + ' : réessayez dans un instant.');
}

/** The installable on-edit trigger: forwards the edited range, signed. */
function onEditInstallable(e) {
  if (!e || !e.range) return;
  var range = e.range;
  var spreadsheet = e.source || SpreadsheetApp.getActive();
  sendPasserelleEdit_({
    spreadsheetId: spreadsheet.getId(),
    tab: range.getSheet().getName(),
    firstRow: range.getRow(),
    lastRow: range.getLastRow(),
    firstColumn: range.getColumn(),
    lastColumn: range.getLastColumn()
  });
}

/**
 * Posts one edit; answers the HTTP status (0 when not configured). A 429 or 5xx is tried once more
 * after a second; the next edit will check everything again anyway.
 */
function sendPasserelleEdit_(edit) {
  var properties = PropertiesService.getScriptProperties();
  var url = properties.getProperty(PASSERELLE_URL_PROPERTY);
  var secret = properties.getProperty(PASSERELLE_SECRET_PROPERTY);
  if (!url || !secret) {
    console.warn('Passerelle : adresse ou secret manquant dans les propriétés du script.');
    return 0;
  }
  // One id per edit, kept on the retry: the function applies an edit once, however often it arrives.
  var body = JSON.stringify({
    spreadsheetId: edit.spreadsheetId,
    editId: Utilities.getUuid(),
    tab: edit.tab,
    firstRow: edit.firstRow,
    lastRow: edit.lastRow,
    firstColumn: edit.firstColumn,
    lastColumn: edit.lastColumn
  });
  var code = 0;
  for (var attempt = 1; attempt <= 2; attempt++) {
    // Signed again on each attempt: the timestamp is part of the signature.
    var timestamp = String(Math.floor(Date.now() / 1000));
    var signature = passerelleHex_(
      Utilities.computeHmacSha256Signature(timestamp + '.' + body, secret, Utilities.Charset.UTF_8)
    );
    var response = UrlFetchApp.fetch(url, {
      method: 'post',
      contentType: 'application/json',
      payload: body,
      headers: {
        'X-Passerelle-Timestamp': timestamp,
        'X-Passerelle-Signature': signature
      },
      muteHttpExceptions: true,
      followRedirects: false
    });
    code = response.getResponseCode();
    if (code !== 429 && code < 500) break;
    if (attempt < 2) Utilities.sleep(1000);
  }
  // The status only: the answer and the edited values stay out of the logs.
  if (code !== 200) console.warn('Passerelle : la fonction a répondu ' + code + '.');
  return code;
}

/** Apps Script gives signed bytes (-128..127); the function expects lowercase hexadecimal. */
function passerelleHex_(bytes) {
  var hex = '';
  for (var i = 0; i < bytes.length; i++) {
    var byte = bytes[i] & 0xff;
    hex += (byte < 16 ? '0' : '') + byte.toString(16);
  }
  return hex;
}

function notifyPasserelle_(message) {
  try {
    SpreadsheetApp.getActive().toast(message, 'Passerelle', 8);
  } catch (error) {
    console.log(message);
  }
}
