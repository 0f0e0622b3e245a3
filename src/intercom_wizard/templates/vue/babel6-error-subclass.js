function __IW_CLASS_NAME__(message) {
  this.name = '__IW_CLASS_NAME__';
  this.message = message;
  this.stack = new Error(message).stack;
}
__IW_CLASS_NAME__.prototype = Object.create(Error.prototype);
__IW_CLASS_NAME__.prototype.constructor = __IW_CLASS_NAME__;
